// Package promexporter registers the `prometheus` metrics exporter, which
// serves every Benthos metric in the Prometheus text format on the Benthos
// HTTP server's /metrics endpoint, on client_golang.
package promexporter
