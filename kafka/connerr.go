package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

// connectBackOff is how long Benthos waits before connecting again after
// an error that retrying soon will not fix (credentials, certificates).
const connectBackOff = 10 * time.Second

// pingError explains why cl could not reach its brokers: it names them,
// and the likely cause when franz-go has only an EOF to go on. Errors that
// retrying soon will not fix (a refused login, an untrusted certificate)
// ask Benthos to wait before connecting again, so they are logged a few
// times a minute rather than every second.
func pingError(cl *kgo.Client, err error) error {
	brokers, _ := cl.OptValue(kgo.SeedBrokers).([]string)
	prefix := "reaching the brokers"
	if len(brokers) > 0 {
		prefix = fmt.Sprintf("reaching the brokers %s", strings.Join(brokers, ", "))
	}
	mechs, _ := cl.OptValue(kgo.SASL).([]sasl.Mechanism)
	var firstRead *kgo.ErrFirstReadEOF
	var certErr *tls.CertificateVerificationError
	switch {
	case len(mechs) > 0 && !errors.As(err, &firstRead) &&
		(errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		// Some brokers (kfake, so kafka-dev) close the connection on a
		// failed login instead of answering SASL_AUTHENTICATION_FAILED.
		names := make([]string, len(mechs))
		for i, m := range mechs {
			names[i] = m.Name()
		}
		return service.NewErrBackOff(fmt.Errorf("%s: the broker closed the connection while logging in with SASL %s: "+
			"wrong user name or password, or a mechanism the broker does not accept? (%w)",
			prefix, strings.Join(names, "/"), err), connectBackOff)
	case errors.As(err, &certErr):
		return service.NewErrBackOff(fmt.Errorf("%s: the broker's TLS certificate is not trusted "+
			"(trust its CA with tls.root_cas_file or tls.root_cas): %w", prefix, err), connectBackOff)
	case !kgo.IsRetryableBrokerErr(err) && !errors.Is(err, context.DeadlineExceeded):
		return service.NewErrBackOff(fmt.Errorf("%s: %w", prefix, err), connectBackOff)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
