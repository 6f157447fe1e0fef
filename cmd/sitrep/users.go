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
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return journal.Actor{Name: name}
}

func runUsers(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("users <add|list|token|tokens|revoke|passwd> [flags]", usersSummary, stdout)
	var dbs dbSettings
	dbs.register(fs)
	role := fs.String("role", "", "role for add")
	display := fs.String("display-name", "", "display name for add")
	pwStdin := fs.Bool("password-stdin", false, "add: read a password for web login from standard input")
	label := fs.String("label", "", "label for token")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Flags may follow the positional arguments (sitrep users add NAME --role R).
	rest := fs.Args()
	var positional []string
	for len(rest) > 0 {
		positional = append(positional, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = fs.Args()
	}
	if len(positional) == 0 {
		fs.Usage()
		return errors.New("name an action")
	}
	pool, err := dbs.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := auth.NewStore(pool)
	arg := func(i int, what string) (string, error) {
		if len(positional) <= i {
			return "", fmt.Errorf("%s: missing %s", positional[0], what)
		}
		return positional[i], nil
	}

	switch positional[0] {
	case "add":
		name, err := arg(1, "NAME")
		if err != nil {
			return err
		}
		r, err := auth.ParseRole(*role)
		if err != nil {
			return fmt.Errorf("--role: %w", err)
		}
		var password string
		if *pwStdin {
			if password, err = readLine(os.Stdin); err != nil {
				return err
			}
		}
		u, token, err := store.CreateUser(ctx, cliActor(), auth.NewUser{Name: name, DisplayName: *display, Role: r, Password: password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (id %d, role %s); its API token follows, shown only now:\n%s\n", u.Name, u.ID, u.Role, token)
	case "list":
		users, err := store.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tPASSWORD\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\n", u.ID, u.Name, u.Role, u.HasPassword, u.DisabledAt != nil)
		}
		return tw.Flush()
	case "token":
		name, err := arg(1, "NAME")
		if err != nil {
			return err
		}
		u, err := store.UserByName(ctx, name)
		if err != nil {
			return fmt.Errorf("user %s: %w", name, err)
		}
		t, secret, err := store.CreateToken(ctx, cliActor(), u.ID, *label)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d for %s, shown only now:\n%s\n", t.ID, u.Name, secret)
	case "tokens":
		tokens, err := store.ListTokens(ctx, 0)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER_ID\tLABEL\tCREATED\tREVOKED")
		for _, t := range tokens {
			revoked := ""
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", t.ID, t.UserID, t.Label, t.CreatedAt.Format("2006-01-02 15:04"), revoked)
		}
		return tw.Flush()
	case "revoke":
		s, err := arg(1, "TOKEN_ID")
		if err != nil {
			return err
		}
		id, err := auth.ParseID(s)
		if err != nil {
			return err
		}
		if err := store.RevokeToken(ctx, cliActor(), id, 0); err != nil {
			return fmt.Errorf("token %d: %w", id, err)
		}
		fmt.Fprintf(stdout, "revoked token %d\n", id)
	case "passwd":
		name, err := arg(1, "NAME")
		if err != nil {
			return err
		}
		pw, err := readLine(os.Stdin)
		if err != nil {
			return err
		}
		if err := store.SetPassword(ctx, cliActor(), name, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password set for %s\n", name)
	default:
		return fmt.Errorf("unknown action %q", positional[0])
	}
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
