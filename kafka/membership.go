package kafka

// Consumer group membership: static membership (instance_id), the
// balancer, and the timeouts that decide how fast a group recovers when a
// member crashes or restarts. kafka/README.md ("Recovery from crashes and
// restarts") has the measured figures behind the defaults.

import (
	"errors"
	"fmt"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

const fieldInstanceID = "instance_id"

// The group defaults, chosen for recovery (see the README):
//   - session_timeout 8s: a member that dies without leaving (SIGKILL, OOM,
//     a lost node) holds its partitions until its session expires, and a
//     restarted member without instance_id is a new member, so the old
//     one's partitions wait for that too: they flow again about a second
//     after the session expires. 45s (Kafka's default since 3.0, and this
//     input's before) left them unread for 45s after every crash. 8s puts
//     them back within 10s of the crash even when the restart is immediate,
//     and stays above the 6s minimum brokers accept by default
//     (group.min.session.timeout.ms), with eight heartbeats in a session.
//   - heartbeat_period 1s: members learn that a rebalance began only from a
//     heartbeat, and a cooperative rebalance that moves partitions takes two
//     rounds, so each second here is up to two seconds of stall.
//   - rebalance_timeout 30s: how long live members get to rejoin. They need
//     little: the input hands records to the pipeline without holding the
//     rebalance (the poll loop allows it as soon as records are tracked) and
//     commits on revoke within commit_period + 10s at most.
//   - commit_period 1s: after a crash, the records delivered since the last
//     commit are delivered again; their number is about the throughput times
//     this period.
const (
	defaultCommitPeriod     = "1s"
	defaultSessionTimeout   = "8s"
	defaultHeartbeatPeriod  = "1s"
	defaultRebalanceTimeout = "30s"
)

// membershipFields are the input's consumer group membership fields that
// are not in input_config.go.
func membershipFields() []*service.ConfigField {
	return []*service.ConfigField{
		service.NewStringField(fieldInstanceID).
			Description("Static membership: a stable identifier of this consumer in the group (Kafka's group.instance.id). A member " +
				"that restarts with the same instance_id gets its partitions back as soon as it rejoins, instead of waiting for its old " +
				"session to expire. Each running process needs its own identifier, stable across its restarts: for example " +
				"`${POD_NAME}` in a Kubernetes StatefulSet (pod names app-0, app-1, ... survive restarts). Two processes with one " +
				"instance_id fence each other: the last to join takes the place, and the other reads nothing more and logs an " +
				"error naming instance_id at every retry (every few seconds) until it is stopped. A static member does not leave the group when it stops, so its partitions wait for it for " +
				"session_timeout. Empty (the default, also when an environment variable it names is empty): dynamic membership.").
			Example("${POD_NAME}").
			Example("orders-transform-0").
			Default("").Advanced(),
	}
}

// parseMembership returns the franz-go options of the group membership
// fields, for a consumer group. log reports fencing.
func parseMembership(conf *service.ParsedConfig, log *service.Logger) ([]kgo.Opt, error) {
	durations := map[string]time.Duration{}
	for _, name := range []string{fieldSessionTimeout, fieldHeartbeatPeriod, fieldRebalanceTimeout} {
		d, err := conf.FieldDuration(name)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		if d < time.Millisecond {
			return nil, fmt.Errorf("field %s: %v is shorter than 1ms", name, d)
		}
		durations[name] = d
	}
	session, heartbeat := durations[fieldSessionTimeout], durations[fieldHeartbeatPeriod]
	if heartbeat >= session {
		return nil, fmt.Errorf("field %s: %v is not shorter than %s (%v): the member would lose its session between heartbeats",
			fieldHeartbeatPeriod, heartbeat, fieldSessionTimeout, session)
	}
	opts := []kgo.Opt{
		kgo.SessionTimeout(session),
		kgo.HeartbeatInterval(heartbeat),
		kgo.RebalanceTimeout(durations[fieldRebalanceTimeout]),
		// Cooperative-sticky (franz-go's default, named here so that a
		// change of default does not change this input): in a rebalance
		// members keep the partitions they are not asked to give up and go
		// on reading them; only the partitions that move stop, and only
		// until their new owner has them. With an eager balancer every
		// member gives up every partition at every rebalance: a crash or
		// a restart would stop the whole group until the group settles.
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
	}
	id := ""
	if conf.Contains(fieldInstanceID) {
		var err error
		if id, err = conf.FieldString(fieldInstanceID); err != nil {
			return nil, fmt.Errorf("field %s: %w", fieldInstanceID, err)
		}
	}
	if id != "" {
		opts = append(opts, kgo.InstanceID(id), kgo.WithHooks(fencingLogger{log: log, id: id}))
	}
	return opts, nil
}

// fencingLogger says, as an error naming the field, that another process
// joined with this member's instance_id. franz-go retries the join with its
// old member ID, which stays fenced: this member reads nothing more (the
// other keeps the partitions), and this error says why at every retry.
type fencingLogger struct {
	log *service.Logger
	id  string
}

// OnGroupManageError implements kgo.HookGroupManageError.
func (f fencingLogger) OnGroupManageError(err error) {
	if errors.Is(err, kerr.FencedInstanceID) && f.log != nil {
		f.log.Errorf("Field %s: another consumer joined the group with instance_id %q and took this one's place; "+
			"each process needs its own instance_id (retrying): %v", fieldInstanceID, f.id, err)
	}
}
