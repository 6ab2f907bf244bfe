package rrdcached

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultPort is rrdcached's TCP port.
const DefaultPort = "42217"

// Limits on what the daemon may send, checked before anything is kept.
const (
	maxLine  = 64 << 10
	maxLines = 1 << 20
)

// Address returns the daemon address to use: flag if non-empty, else
// $RRDCACHED_ADDRESS, else "".
func Address(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv("RRDCACHED_ADDRESS")
}

// Client is one connection to an rrdcached. It is not safe for concurrent
// use.
type Client struct {
	addr string
	unix bool
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to addr: "unix:/path", "/abs/path" (unix socket),
// "host:port", "host" (port 42217) or "[v6]:port".
func Dial(ctx context.Context, addr string) (*Client, error) {
	network, target := "tcp", addr
	switch {
	case strings.HasPrefix(addr, "unix:"):
		network, target = "unix", strings.TrimPrefix(addr, "unix:")
	case strings.HasPrefix(addr, "/"):
		network = "unix"
	default:
		if _, _, err := net.SplitHostPort(addr); err != nil {
			target = net.JoinHostPort(strings.Trim(addr, "[]"), DefaultPort)
		}
	}
	if target == "" {
		return nil, fmt.Errorf("rrdcached: empty address %q", addr)
	}
	d := net.Dialer{Timeout: DialTimeout}
	conn, err := d.DialContext(ctx, network, target)
	if err != nil {
		return nil, fmt.Errorf("rrdcached %s: %w", addr, err)
	}
	return &Client{addr: addr, unix: network == "unix", conn: conn, r: bufio.NewReaderSize(conn, 4096)}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// path converts a file name to what the daemon expects.
func (c *Client) path(file string) (string, error) {
	if strings.ContainsAny(file, "\n\r") {
		return "", fmt.Errorf("file name %q contains a line break", file)
	}
	if !c.unix {
		if filepath.IsAbs(file) {
			return "", fmt.Errorf("%s: absolute path names are not allowed when talking to a remote daemon (%s)", file, c.addr)
		}
		return file, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// Every wait on a daemon is bounded: a daemon that accepts and never
// answers ends in an error, not a hung run.
var (
	DialTimeout     = 10 * time.Second // connecting
	ExchangeTimeout = 2 * time.Minute  // one command and its answer (a FLUSH waits for the writes)
)

// deadline applies ctx, and at most ExchangeTimeout, to the connection for
// one exchange and returns a function that stops watching it.
func (c *Client) deadline(ctx context.Context) func() {
	d := time.Now().Add(ExchangeTimeout)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	c.conn.SetDeadline(d)
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Unix(1, 0)) })
	return func() { stop() }
}

// readLine reads one line of at most maxLine bytes, without the newline.
func (c *Client) readLine() (string, error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := c.r.ReadLine()
		if err != nil {
			return "", err
		}
		if sb.Len()+len(chunk) > maxLine {
			return "", fmt.Errorf("answer line longer than %d bytes", maxLine)
		}
		sb.Write(chunk)
		if !isPrefix {
			return sb.String(), nil
		}
	}
}

// status parses "N message".
func parseStatus(line string) (int, string, error) {
	num, msg, _ := strings.Cut(line, " ")
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, "", fmt.Errorf("malformed status line %q", line)
	}
	if n > maxLines {
		return 0, "", fmt.Errorf("status announces %d lines (limit %d)", n, maxLines)
	}
	return n, msg, nil
}

// command sends one command line and returns the status message and the
// lines that follow it. A negative status is an error carrying the message.
func (c *Client) command(ctx context.Context, line string) (string, []string, error) {
	defer c.deadline(ctx)()
	if _, err := c.conn.Write([]byte(line + "\n")); err != nil {
		return "", nil, c.wrapErr(ctx, err)
	}
	st, err := c.readLine()
	if err != nil {
		return "", nil, c.wrapErr(ctx, err)
	}
	n, msg, err := parseStatus(st)
	if err != nil {
		return "", nil, fmt.Errorf("rrdcached %s: %w", c.addr, err)
	}
	if n < 0 {
		return "", nil, &ServerError{Addr: c.addr, Msg: msg}
	}
	lines := make([]string, 0, min(n, 1024))
	for range n {
		l, err := c.readLine()
		if err != nil {
			return "", nil, c.wrapErr(ctx, err)
		}
		lines = append(lines, l)
	}
	return msg, lines, nil
}

func (c *Client) wrapErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("rrdcached %s: %w", c.addr, ctx.Err())
	}
	return fmt.Errorf("rrdcached %s: %w", c.addr, err)
}

// ServerError is an error status sent by the daemon.
type ServerError struct {
	Addr, File, Msg string
}

func (e *ServerError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s: rrdcached %s: %s", e.File, e.Addr, e.Msg)
	}
	return fmt.Sprintf("rrdcached %s: %s", e.Addr, e.Msg)
}

// Flush asks the daemon to write file's queued updates and waits until it
// has.
func (c *Client) Flush(ctx context.Context, file string) error {
	p, err := c.path(file)
	if err != nil {
		return err
	}
	_, _, err = c.command(ctx, "FLUSH "+p)
	var se *ServerError
	if errors.As(err, &se) {
		se.File = file
	}
	return err
}

// FlushMany flushes files in one BATCH: one round trip however many files.
// Failures are reported per file, by name (errors.Join); the other files
// are flushed all the same.
func (c *Client) FlushMany(ctx context.Context, files []string) error {
	if len(files) == 0 {
		return nil
	}
	if len(files) == 1 {
		return c.Flush(ctx, files[0])
	}
	var errs []error
	var b strings.Builder
	var sent []string // file of each batch command, 1-based by position
	for _, f := range files {
		p, err := c.path(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.WriteString("FLUSH " + p + "\n")
		sent = append(sent, f)
	}
	if len(sent) == 0 {
		return errors.Join(errs...)
	}
	if _, _, err := c.command(ctx, "BATCH"); err != nil {
		return err
	}
	b.WriteString(".")
	_, lines, err := c.command(ctx, b.String())
	if err != nil {
		return err
	}
	for _, l := range lines {
		num, msg, _ := strings.Cut(l, " ")
		i, err := strconv.Atoi(num)
		if err != nil || i < 1 || i > len(sent) {
			errs = append(errs, fmt.Errorf("rrdcached %s: malformed batch answer %q", c.addr, l))
			continue
		}
		errs = append(errs, &ServerError{Addr: c.addr, File: sent[i-1], Msg: msg})
	}
	return errors.Join(errs...)
}

// FlushBatch is how many files one BATCH of FlushFiles flushes, so that
// one command does not grow with the fleet.
var FlushBatch = 4096 // a variable for the tests

// FlushFiles asks the rrdcached at flag (or $RRDCACHED_ADDRESS, see
// Address) to write the files' queued updates to disk, so that a read
// includes them. No address: nothing to do. It dials only when there is a
// file, sends the files in batches of FlushBatch on one connection, and
// stops at the first batch that fails, with that batch's errors.
func FlushFiles(ctx context.Context, flag string, files ...string) error {
	addr := Address(flag)
	if addr == "" || len(files) == 0 {
		return nil
	}
	wait := FlushBackoff
	for attempt := 1; ; attempt++ {
		err := flushFiles(ctx, addr, files)
		// again only after a network failure that is not a timeout: a
		// daemon that did not answer in time would not answer a retry
		// either, and each would cost another ExchangeTimeout
		var ne net.Error
		if err == nil || attempt == FlushAttempts || ctx.Err() != nil || !errors.As(err, &ne) || ne.Timeout() {
			return err
		}
		select { // a daemon restarting, a network blip: again, a little later
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// FlushAttempts and FlushBackoff are how often FlushFiles tries when the
// network fails, and how long it waits before the second try (doubling).
var (
	FlushAttempts = 3
	FlushBackoff  = time.Second
)

func flushFiles(ctx context.Context, addr string, files []string) error {
	c, err := Dial(ctx, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	for len(files) > 0 {
		n := min(len(files), FlushBatch)
		if err := c.FlushMany(ctx, files[:n]); err != nil {
			return err
		}
		files = files[n:]
	}
	return nil
}
