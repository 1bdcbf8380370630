// Package transform is the host ABI of Redpanda Data Transforms on the
// hostabi core: it runs modules built with Redpanda's transform SDKs, which
// drive their own loop from _start (read a batch header, read each record,
// write zero or more records), and gives each record's writes to that
// record, so a guest that dies on one record fails only that record.
package transform
