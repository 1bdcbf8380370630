package promexporter

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/redpanda-data/benthos/v4/public/service"
)

// pushConfig is where and how often to push to a Prometheus Push Gateway.
type pushConfig struct {
	url                string
	interval           time.Duration
	job                string
	username, password string
}

func parsePushConfig(conf *service.ParsedConfig) (*pushConfig, error) {
	if !conf.Contains(fieldPushURL) {
		return nil, nil
	}
	var c pushConfig
	var err error
	if c.url, err = conf.FieldString(fieldPushURL); err != nil {
		return nil, err
	}
	if u, err := url.Parse(c.url); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("field %s: expected a URL such as http://pushgateway:9091, got %q", fieldPushURL, c.url)
	}
	if c.interval, err = conf.FieldDuration(fieldPushInterval); err != nil {
		return nil, err
	}
	if c.interval <= 0 {
		return nil, fmt.Errorf("field %s: must be more than 0, got %s", fieldPushInterval, c.interval)
	}
	if c.job, err = conf.FieldString(fieldPushJobName); err != nil {
		return nil, err
	}
	if conf.Contains(fieldPushBasicAuth) {
		auth := conf.Namespace(fieldPushBasicAuth)
		if c.username, err = auth.FieldString(fieldUsername); err != nil {
			return nil, err
		}
		if c.password, err = auth.FieldString(fieldPassword); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// pusher pushes the registry every interval until stopped.
type pusher struct {
	p    *push.Pusher
	done chan struct{}
	left chan struct{}
}

func startPusher(c pushConfig, registry *prometheus.Registry, log *service.Logger) *pusher {
	p := push.New(c.url, c.job).Gatherer(registry)
	if c.username != "" || c.password != "" {
		p = p.BasicAuth(c.username, c.password)
	}
	ps := &pusher{p: p, done: make(chan struct{}), left: make(chan struct{})}
	go func() {
		defer close(ps.left)
		tick := time.NewTicker(c.interval)
		defer tick.Stop()
		for {
			select {
			case <-ps.done:
				return
			case <-tick.C:
				if err := p.Push(); err != nil {
					log.Errorf("pushing metrics to %s: %v", c.url, err)
				}
			}
		}
	}()
	return ps
}

// stop ends the pushing and pushes the final values.
func (ps *pusher) stop(ctx context.Context) error {
	close(ps.done)
	<-ps.left
	if err := ps.p.PushContext(ctx); err != nil {
		return fmt.Errorf("pushing metrics a last time: %w", err)
	}
	return nil
}
