// Package schemaregistry is the schema registry client that wasm_smt's schema-aware converters use.
package schemaregistry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
	"golang.org/x/sync/singleflight"
)

// DefaultTimeout bounds one registry request when Config.Timeout is 0 (the
// timeout franz-go's sr client uses by default).
const DefaultTimeout = 5 * time.Second

// Config says how to reach a schema registry. FromParsed builds one from a
// Benthos config; programs and tests can fill it in directly.
type Config struct {
	// URL is the registry's base URL, http or https, such as
	// http://localhost:8081.
	URL string
	// Username and Password, when Username is not empty, are sent with
	// HTTP basic authentication on every request.
	Username, Password string
	// BearerToken, when not empty, is sent as "Authorization: Bearer ...".
	BearerToken string
	// TLS is used for https URLs; nil means the system's roots and Go's
	// defaults. It is refused with an http URL.
	TLS *tls.Config
	// Sign, when not nil, may change every request before it is sent (to
	// add OAuth or JWT authentication, as Benthos's auth fields do).
	Sign func(*http.Request) error
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Client talks to one schema registry over the Confluent REST API, with
// franz-go's sr client. Schemas looked up by id are cached for the life of
// the Client: the registry never changes the schema behind an id, so a
// record stream costs one request per distinct id, not one per record. It
// is safe for concurrent use.
type Client struct {
	cl  *sr.Client
	url string // for errors, without credentials

	requests atomic.Int64
	byID     sync.Map // int -> sr.Schema, only successful lookups
	flights  singleflight.Group
}

// New returns a client of the registry cfg describes. It sends nothing.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("schema registry url %q: %w", cfg.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("schema registry url %q: expected http://host:port or https://host:port", u.Redacted())
	}
	if cfg.TLS != nil && u.Scheme == "http" {
		// Sending plain HTTP where TLS was asked for would expose the
		// credentials and the schemas.
		return nil, fmt.Errorf("schema registry url %q: TLS is configured but the url is http: use https", u.Redacted())
	}
	if cfg.Username != "" && cfg.BearerToken != "" {
		return nil, fmt.Errorf("schema registry %s: basic authentication and a bearer token both set the Authorization header: set only one", u.Redacted())
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	c := &Client{url: u.Redacted()}
	// Our own transport, not sr.DialTLSConfig: that option needs a bare
	// *http.Transport, and every request must go through countingTransport.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.TLS != nil {
		tr.TLSClientConfig = cfg.TLS
	}
	opts := []sr.ClientOpt{
		sr.URLs(cfg.URL),
		sr.HTTPClient(&http.Client{Timeout: timeout, Transport: &countingTransport{next: tr, n: &c.requests}}),
		sr.UserAgent("benthos-wasm"),
	}
	if cfg.Username != "" {
		opts = append(opts, sr.BasicAuth(cfg.Username, cfg.Password))
	}
	if cfg.BearerToken != "" {
		opts = append(opts, sr.BearerToken(cfg.BearerToken))
	}
	if cfg.Sign != nil {
		sign := cfg.Sign
		opts = append(opts, sr.PreReq(func(req *http.Request) error {
			if err := sign(req); err != nil {
				return &signError{err}
			}
			return nil
		}))
	}
	if c.cl, err = sr.NewClient(opts...); err != nil {
		return nil, fmt.Errorf("schema registry %s: %w", c.url, err)
	}
	return c, nil
}

// URL is the registry's URL, without any credentials it contained.
func (c *Client) URL() string { return c.url }

// Requests is the number of HTTP requests this client has sent to the
// registry (retries and failed attempts included), so tests and metrics can
// check that records do not each cost a registry call.
func (c *Client) Requests() int64 { return c.requests.Load() }

// SchemaByID returns the schema registered under id. The first successful
// lookup of an id is cached; concurrent lookups of an id not yet cached
// share one request. A failed lookup is not cached, so the next one asks
// the registry again (records flow again once it is back). The returned
// schema is shared: do not modify its slices.
func (c *Client) SchemaByID(ctx context.Context, id int) (sr.Schema, error) {
	if s, ok := c.byID.Load(id); ok {
		return s.(sr.Schema), nil
	}
	what := "schema id " + strconv.Itoa(id)
	// The shared request must not die with the context of whichever caller
	// started it, or one cancelled record would fail every record waiting on
	// the same id: it runs without cancellation (bounded by the client's
	// timeout), and each caller stops waiting when its own context ends.
	flightCtx := context.WithoutCancel(ctx)
	ch := c.flights.DoChan(strconv.Itoa(id), func() (any, error) {
		// A flight that finished between our cache check and DoChan has
		// already filled the cache: do not ask again.
		if s, ok := c.byID.Load(id); ok {
			return s, nil
		}
		s, err := c.cl.SchemaByID(flightCtx, id)
		if err != nil {
			return nil, c.fail(flightCtx, what, err)
		}
		c.byID.Store(id, s)
		return s, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return sr.Schema{}, r.Err
		}
		return r.Val.(sr.Schema), nil
	case <-ctx.Done():
		return sr.Schema{}, fmt.Errorf("%s: waiting for schema registry %s: %w", what, c.url, ctx.Err())
	}
}

// LatestBySubject returns the latest version of the schema registered
// under subject. It is not cached: the latest version changes when a new
// one is registered.
func (c *Client) LatestBySubject(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	s, err := c.cl.SchemaByVersion(ctx, subject, -1)
	if err != nil {
		return sr.SubjectSchema{}, c.fail(ctx, fmt.Sprintf("latest version of subject %q", subject), err)
	}
	return s, nil
}

// SubjectVersion returns version version of the schema registered under
// subject. It is not cached.
func (c *Client) SubjectVersion(ctx context.Context, subject string, version int) (sr.SubjectSchema, error) {
	if version < 1 {
		return sr.SubjectSchema{}, fmt.Errorf("subject %q version %d: versions start at 1 (use LatestBySubject for the latest)", subject, version)
	}
	s, err := c.cl.SchemaByVersion(ctx, subject, version)
	if err != nil {
		return sr.SubjectSchema{}, c.fail(ctx, fmt.Sprintf("subject %q version %d", subject, version), err)
	}
	return s, nil
}

// SubjectVersion is one subject and version that use a schema.
type SubjectVersion = sr.SubjectVersion

// UsesOf returns the subjects and versions that use the schema with id, so
// errors can name a schema the way people know it. It is not cached: it is
// for error paths.
func (c *Client) UsesOf(ctx context.Context, id int) ([]SubjectVersion, error) {
	uses, err := c.cl.SchemaVersionsByID(ctx, id)
	if err != nil {
		return nil, c.fail(ctx, fmt.Sprintf("subjects of schema id %d", id), err)
	}
	return uses, nil
}

// CreateSchema registers schema under subject (or finds it, when the
// subject already has it) and returns its id and version. It takes two
// requests: one to register, one to read the id's subjects and versions.
func (c *Client) CreateSchema(ctx context.Context, subject string, schema sr.Schema) (sr.SubjectSchema, error) {
	s, err := c.cl.CreateSchema(ctx, subject, schema)
	if err != nil {
		return sr.SubjectSchema{}, c.fail(ctx, fmt.Sprintf("registering a schema under subject %q", subject), err)
	}
	return s, nil
}

// Error is a registry request that failed: what was asked, of which
// registry, and why. Test it with errors.As.
type Error struct {
	// URL is the registry's URL, without credentials.
	URL string
	// What names what was looked up, such as `schema id 7` or
	// `latest version of subject "orders-value"`.
	What string
	// StatusCode is the registry's HTTP status, 0 when no answer came.
	StatusCode int
	// Err is the cause: an *sr.ResponseError when the registry answered,
	// else the transport's error.
	Err error
}

func (e *Error) Error() string {
	var re *sr.ResponseError
	detail := ""
	if errors.As(e.Err, &re) {
		detail = re.Error()
	}
	switch {
	case e.Unreachable():
		cause := e.Err
		// The *url.Error repeats the request's URL; what went wrong is inside.
		if ue := (*url.Error)(nil); errors.As(e.Err, &ue) {
			cause = ue.Err
		}
		return fmt.Sprintf("%s: schema registry %s is unreachable: %v", e.What, e.URL, cause)
	case e.StatusCode == 0:
		return fmt.Sprintf("%s: schema registry %s: %v", e.What, e.URL, e.Err)
	case e.StatusCode == http.StatusNotFound:
		return fmt.Sprintf("%s: not found in schema registry %s (HTTP 404: %s)", e.What, e.URL, detail)
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("%s: schema registry %s refused the request as not authenticated (HTTP 401: %s): check the credentials", e.What, e.URL, detail)
	case e.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("%s: schema registry %s refused the request as not permitted (HTTP 403: %s): the credentials lack the permission", e.What, e.URL, detail)
	default:
		return fmt.Sprintf("%s: schema registry %s failed (HTTP %d: %s)", e.What, e.URL, e.StatusCode, detail)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// Unreachable reports whether no answer came from the registry (refused
// connection, DNS, TLS handshake, timeout): worth retrying later.
func (e *Error) Unreachable() bool {
	var ue *url.Error
	return e.StatusCode == 0 && errors.As(e.Err, &ue)
}

// NotFound reports whether the registry answered that what was asked does
// not exist.
func (e *Error) NotFound() bool { return e.StatusCode == http.StatusNotFound }

// fail turns an error of the sr client into one that says what was asked,
// of which registry, and what happened.
func (c *Client) fail(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		// The caller gave up: that says nothing about the registry.
		return fmt.Errorf("%s: waiting for schema registry %s: %w", what, c.url, ctx.Err())
	}
	var se *signError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: authenticating to schema registry %s: %w", what, c.url, se.err)
	}
	e := &Error{URL: c.url, What: what, Err: err}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		e.StatusCode = re.StatusCode
	}
	return e
}

// signError marks an error of Config.Sign, which franz-go returns like a
// transport error, so that it is not reported as an unreachable registry.
type signError struct{ err error }

func (e *signError) Error() string { return e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// countingTransport counts the requests sent through it.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(req)
}
