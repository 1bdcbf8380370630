package kafka

import (
	"context"
	"crypto/tls"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// validSoftware is what a broker accepts as ApiVersions' client software
// name and version (KIP-511).
var validSoftware = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$`)

// advertiseSASLHandshakeV0 makes the broker advertise SASLHandshake from
// version 0, as Kafka does. kfake serves only version 1 and advertises
// 1-1, and librdkafka (kcat, confluent-kafka-*) refuses to log in unless
// the range includes 0, although it then uses version 1. Every ApiVersions
// request is answered from kfake's own answer, fetched once here, with that
// one range widened; requests kfake must judge itself (a version above its
// own, a bad software name, a v5 request naming a cluster) still go to it.
func advertiseSASLHandshakeV0(cluster *kfake.Cluster, addr string, tlsOn bool) error {
	opts := []kgo.Opt{kgo.SeedBrokers(addr)}
	if tlsOn {
		// Our own listener, just started on loopback: nothing to verify.
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // see above
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	own, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("asking the broker its API versions: %w", err)
	}
	if own.ErrorCode != 0 {
		return fmt.Errorf("asking the broker its API versions: error code %d", own.ErrorCode)
	}
	keys := slices.Clone(own.ApiKeys)
	for i := range keys {
		if keys[i].ApiKey == int16(kmsg.SASLHandshake) && keys[i].MinVersion == 1 {
			keys[i].MinVersion = 0
		}
	}
	cluster.ControlKey(int16(kmsg.ApiVersions), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		req, ok := kreq.(*kmsg.ApiVersionsRequest)
		if !ok || req.Version > own.Version ||
			req.Version >= 3 && (!validSoftware.MatchString(req.ClientSoftwareName) || !validSoftware.MatchString(req.ClientSoftwareVersion)) ||
			req.Version >= 5 && (req.ClusterID != nil || req.NodeID != -1) {
			return nil, nil, false
		}
		resp := *own
		resp.Version = req.Version
		resp.ApiKeys = slices.Clone(keys)
		return &resp, nil, true
	})
	return nil
}
