package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

const usersSummary = `Manage users and API tokens.

  sitrep users add NAME --role ROLE [--display-name TEXT] [--password-stdin]
      create a user; prints its API token alone on the last line
  sitrep users list
  sitrep users token NAME [--label TEXT]   issue another API token; printed on the last line
  sitrep users tokens                      list every token (no secrets)
  sitrep users revoke TOKEN_ID             revoke a token
  sitrep users passwd NAME                 set a password, read from standard input

Roles: viewer, editor, dispatcher, duty_officer, commander, admin.`

// cliActor names the operator at the terminal in the audit trail.
func cliActor() journal.Actor {
	name := "命令行"
	if u, err := user.Current(); err == nil {
		name = "命令行：" + u.Username
	}
	return journal.Actor{Name: name}
}

func runUsers(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("users <add|list|token|tokens|revoke|passwd> [flags]", usersSummary, stdout)
	u := &usersCommand{out: stdout}
	cmd.StringVar(&u.role, "role", "", "role for add")
	cmd.StringVar(&u.displayName, "display-name", "", "display name for add")
	cmd.BoolVar(&u.passwordStdin, "password-stdin", false, "add: read a password for web login from standard input")
	cmd.StringVar(&u.label, "label", "", "label for token")
	positional, err := cmd.parse(args)
	if err != nil {
		return err
	}
	if len(positional) == 0 {
		cmd.Usage()
		return errors.New("name an action")
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	u.store = auth.NewStore(pool)
	action, ok := usersActions[positional[0]]
	if !ok {
		return fmt.Errorf("unknown action %q", positional[0])
	}
	return action(u, ctx, positional[1:])
}

// usersCommand is what the users actions share: the store, where they
// print, and the flags (each action reads the ones it takes).
type usersCommand struct {
	store         *auth.Store
	out           io.Writer
	role          string
	displayName   string
	passwordStdin bool
	label         string
}

// usersActions are the users actions by name; each gets the positional
// arguments after its name.
var usersActions = map[string]func(u *usersCommand, ctx context.Context, args []string) error{
	"add":    (*usersCommand).add,
	"list":   (*usersCommand).list,
	"token":  (*usersCommand).token,
	"tokens": (*usersCommand).tokens,
	"revoke": (*usersCommand).revoke,
	"passwd": (*usersCommand).passwd,
}

// operand is the one argument an action takes (a NAME or a TOKEN_ID).
func operand(action string, args []string, what string) (string, error) {
	if len(args) == 0 {
		return "", fmt.Errorf("%s: missing %s", action, what)
	}
	return args[0], nil
}

func (u *usersCommand) add(ctx context.Context, args []string) error {
	name, err := operand("add", args, "NAME")
	if err != nil {
		return err
	}
	r, err := auth.ParseRole(u.role)
	if err != nil {
		return fmt.Errorf("--role: %w", err)
	}
	var password string
	if u.passwordStdin {
		if password, err = readLine(os.Stdin); err != nil {
			return err
		}
	}
	user, token, err := u.store.CreateUser(ctx, cliActor(), auth.NewUser{Name: name, DisplayName: u.displayName, Role: r, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "created user %s (id %d, role %s); its API token follows, shown only now:\n%s\n", user.Name, user.ID, user.Role, token)
	return nil
}

func (u *usersCommand) list(ctx context.Context, _ []string) error {
	users, err := u.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(u.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tPASSWORD\tDISABLED")
	for _, user := range users {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\n", user.ID, user.Name, user.Role, user.HasPassword, user.DisabledAt != nil)
	}
	return tw.Flush()
}

func (u *usersCommand) token(ctx context.Context, args []string) error {
	name, err := operand("token", args, "NAME")
	if err != nil {
		return err
	}
	user, err := u.store.UserByName(ctx, name)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	t, secret, err := u.store.CreateToken(ctx, cliActor(), user.ID, u.label)
	if err != nil {
		return err
	}
	fmt.Fprintf(u.out, "token %d for %s, shown only now:\n%s\n", t.ID, user.Name, secret)
	return nil
}

func (u *usersCommand) tokens(ctx context.Context, _ []string) error {
	tokens, err := u.store.ListTokens(ctx, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(u.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER_ID\tLABEL\tCREATED\tREVOKED")
	for _, t := range tokens {
		revoked := ""
		if t.RevokedAt != nil {
			revoked = t.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", t.ID, t.UserID, t.Label, t.CreatedAt.Format("2006-01-02 15:04"), revoked)
	}
	return tw.Flush()
}

func (u *usersCommand) revoke(ctx context.Context, args []string) error {
	s, err := operand("revoke", args, "TOKEN_ID")
	if err != nil {
		return err
	}
	id, err := auth.ParseID(s)
	if err != nil {
		return err
	}
	if err := u.store.RevokeToken(ctx, cliActor(), id, 0); err != nil {
		return fmt.Errorf("token %d: %w", id, err)
	}
	fmt.Fprintf(u.out, "revoked token %d\n", id)
	return nil
}

func (u *usersCommand) passwd(ctx context.Context, args []string) error {
	name, err := operand("passwd", args, "NAME")
	if err != nil {
		return err
	}
	pw, err := readLine(os.Stdin)
	if err != nil {
		return err
	}
	if err := u.store.SetPassword(ctx, cliActor(), name, pw); err != nil {
		return err
	}
	fmt.Fprintf(u.out, "password set for %s\n", name)
	return nil
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("expected a password on standard input")
	}
	return line, nil
}
