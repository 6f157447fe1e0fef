package geo

import "fmt"

// InputError is a model input a person got wrong. Input names it the way
// the model's inputs are written in JSON ("releaseRateGS", "levels/1/value"),
// so an API can point at the form field; the message is Chinese, for the
// person filling it in.
type InputError struct {
	Input string
	Msg   string
}

func (e *InputError) Error() string { return e.Msg }

// BadInput returns an *InputError about input.
func BadInput(input, format string, args ...any) error {
	return &InputError{Input: input, Msg: fmt.Sprintf(format, args...)}
}

// Under returns err with its input moved under prefix ("levels/2" +
// "value"); any other error is returned as it is.
func Under(prefix string, err error) error {
	if ie, ok := err.(*InputError); ok {
		in := prefix
		if ie.Input != "" {
			in += "/" + ie.Input
		}
		return &InputError{Input: in, Msg: ie.Msg}
	}
	return err
}
