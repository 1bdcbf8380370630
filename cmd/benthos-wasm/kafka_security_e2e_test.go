package main

// End-to-end tests of kafka-dev's --data-dir, TLS and SASL through the real
// binary: `benthos-wasm kafka-dev` restarted under a running pipeline, and
// pipelines (kafka_franz in -> wasm_smt -> kafka_franz out) against a broker
// that requires TLS and SASL, with franz-go and kcat as independent clients.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/benthos-wasm/benthos-wasm/internal/testutil"
)

// startKafkaDevOn runs `benthos-wasm kafka-dev` on the given port with the
// given flags and waits until it listens.
func startKafkaDevOn(t *testing.T, port int, args ...string) *process {
	t.Helper()
	p := startProcess(t, nil, append([]string{"kafka-dev", "--port", strconv.Itoa(port)}, args...)...)
	waitUntil(t, 20*time.Second, "kafka-dev listening", func() bool {
		return strings.Contains(p.out.String(), "listening on 127.0.0.1:"+strconv.Itoa(port))
	})
	return p
}

// stopProcess sends SIGTERM and waits for a clean exit.
func stopProcess(t *testing.T, p *process, within time.Duration) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	exited, err := p.wait(within)
	require.True(t, exited, "no exit within %v of SIGTERM", within)
	require.NoError(t, err, "clean exit on SIGTERM")
}

// clientOpts are franz-go options that reach a broker requiring TLS
// (caFile: its certificate) and SASL (mechanism, user, password); empty
// values leave either out.
func clientOpts(t *testing.T, addr, caFile, mechanism, user, pass string) []kgo.Opt {
	t.Helper()
	opts := []kgo.Opt{kgo.SeedBrokers(addr)}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem))
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	switch mechanism {
	case "":
	case "PLAIN":
		opts = append(opts, kgo.SASL(plain.Auth{User: user, Pass: pass}.AsMechanism()))
	case "SCRAM-SHA-256":
		opts = append(opts, kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()))
	case "SCRAM-SHA-512":
		opts = append(opts, kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()))
	default:
		t.Fatalf("mechanism %s", mechanism)
	}
	return opts
}

// valueCounts counts the records of each value.
func valueCounts(records []*kgo.Record) map[string]int {
	counts := map[string]int{}
	for _, r := range records {
		counts[string(r.Value)]++
	}
	return counts
}

// numbered makes n records r-0..r-(n-1) of topic, over partitions.
func numbered(topic string, from, n, partitions int) []*kgo.Record {
	var records []*kgo.Record
	for i := from; i < from+n; i++ {
		records = append(records, &kgo.Record{Topic: topic, Partition: int32(i % partitions),
			Key: []byte(fmt.Sprint(i)), Value: []byte(fmt.Sprintf("r-%d", i))})
	}
	return records
}

// upperPipeline is in -> wasm_smt to_upper -> out, both sides connecting
// with the given YAML lines (tls, sasl), indented under kafka_franz.
func upperPipeline(addr, in, out, group, inConn, outConn string) string {
	return fmt.Sprintf(`
http: { enabled: false }
input:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topics: [ %[2]s ]
    consumer_group: %[4]s
    commit_period: 500ms
    fetch_max_wait: 200ms
%[5]s
pipeline:
  processors:
    - wasm_smt: { module_path: ./testdata/wasm/rust.wasm, function: to_upper }
output:
  kafka_franz:
    seed_brokers: [ %[1]q ]
    topic: %[3]s
%[6]s
`, addr, in, out, group, indent(inConn), indent(outConn))
}

func indent(yaml string) string {
	if yaml == "" {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(yaml), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

// kcatPath is kcat's path; CI installs it (Debian package kcat).
func kcatPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatalf("kcat is required by this test (Debian package kcat): %v", err)
	}
	return path
}

// execOutput runs a command, returning its stdout and stderr.
func execOutput(ctx context.Context, path string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	return string(out), err
}

// linesSince returns the lines written to out after offset.
func linesSince(out string, offset int) []string {
	rest := strings.TrimSpace(out[offset:])
	if rest == "" {
		return nil
	}
	return strings.Split(rest, "\n")
}

func TestKafkaDevHelpSaysDataIsLostWithoutDataDir(t *testing.T) {
	out, err := benthosWasm(t, "kafka-dev", "--help")
	require.NoError(t, err, out)
	assert.Contains(t, out, "NOT for production")
	assert.Contains(t, out, "without --data-dir, records, topics and committed offsets live in memory and are LOST when it stops")
	for _, flag := range []string{"--data-dir", "--sync-writes", "--tls-cert", "--tls-key", "--tls-self-signed", "--sasl-user"} {
		assert.Contains(t, out, flag)
	}

	// And it says so when it starts.
	_, dev := startKafkaDev(t)
	assert.Contains(t, dev.out.String(), "in memory: records, topics and committed offsets are LOST when it stops (keep them with --data-dir)")
}

func TestKafkaDevRestartUnderARunningPipeline(t *testing.T) {
	t.Run("SIGTERM", func(t *testing.T) { testKafkaDevRestart(t, syscall.SIGTERM, false) })
	// A crash: kfake writes records and offset commits to the data
	// directory as they come, not only on stop. With TLS and SASL: the
	// broker comes back with the certificate its clients trust.
	t.Run("SIGKILL with TLS and SCRAM", func(t *testing.T) { testKafkaDevRestart(t, syscall.SIGKILL, true) })
}

// testKafkaDevRestart stops kafka-dev with sig under a running pipeline and
// starts it again on the same port and data directory, requiring TLS and
// SASL when secure.
func testKafkaDevRestart(t *testing.T, sig syscall.Signal, secure bool) {
	port := testutil.FreePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	dataDir := filepath.Join(t.TempDir(), "kafka")
	devArgs := []string{"--topics", "in,out", "--partitions", "2", "--data-dir", dataDir}
	var caFile, conn string
	if secure {
		caFile = filepath.Join(t.TempDir(), "ca.pem")
		devArgs = append(devArgs, "--tls-self-signed", caFile, "--sasl-user", "SCRAM-SHA-256:app:pw")
		conn = fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }\n%s", caFile, saslYAML("SCRAM-SHA-256", "app", "pw"))
	}
	dev := startKafkaDevOn(t, port, devArgs...)
	assert.Contains(t, dev.out.String(), "data in "+dataDir+", new (kept when it stops)")
	opts := []kgo.Opt{kgo.SeedBrokers(addr)}
	if secure {
		// Every client reads the CA file here, once, before the restart.
		opts = clientOpts(t, addr, caFile, "SCRAM-SHA-256", "app", "pw")
	}

	pipeline := startProcess(t, nil, "run", "--log.level", "info",
		writeConfig(t, upperPipeline(addr, "in", "out", "restart", conn, conn)))
	out := collectWith(t, opts, "out")

	// A producer writes a record every 10 ms until told to stop; during the
	// outage its writes wait (franz-go retries) and go on afterwards.
	var (
		mu       sync.Mutex
		acked    []string
		stopProd = make(chan struct{})
		prodDone = make(chan struct{})
	)
	go func() {
		defer close(prodDone)
		cl, err := kgo.NewClient(append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
		if err != nil {
			t.Error(err)
			return
		}
		defer cl.Close()
		for i := 0; ; i++ {
			select {
			case <-stopProd:
				return
			case <-time.After(10 * time.Millisecond):
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			err := cl.ProduceSync(ctx, numbered("in", i, 1, 2)...).FirstErr()
			cancel()
			if err != nil {
				t.Errorf("producing r-%d: %v", i, err)
				return
			}
			mu.Lock()
			acked = append(acked, fmt.Sprintf("R-%d", i))
			mu.Unlock()
		}
	}()
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}

	waitUntil(t, 60*time.Second, "100 records through the pipeline", func() bool { return len(out.snapshot()) >= 100 })

	// Stop the broker under the running pipeline.
	logOffset := len(pipeline.out.String())
	stopAt := time.Now()
	if sig == syscall.SIGTERM {
		stopProcess(t, dev, 20*time.Second)
	} else {
		require.NoError(t, dev.cmd.Process.Signal(sig))
		exited, _ := dev.wait(10 * time.Second)
		require.True(t, exited)
	}
	outBefore := len(out.snapshot())
	producedBefore := ackedCount()
	const outage = 6 * time.Second
	time.Sleep(outage - time.Since(stopAt))

	dev = startKafkaDevOn(t, port, devArgs...)
	restartAt := time.Now()
	assert.Contains(t, dev.out.String(), "data in "+dataDir+", carried on from the last run")
	if secure {
		assert.Contains(t, dev.out.String(), "TLS required; clients must trust the self-signed certificate kept in "+
			dataDir+", as before, written to "+caFile)
	}
	waitUntil(t, 60*time.Second, "records flowing again after the restart", func() bool {
		return len(out.snapshot()) > outBefore+20
	})
	flowingAfter := time.Since(restartAt)
	outageLog := linesSince(pipeline.out.String(), logOffset)

	time.Sleep(time.Second) // some more records after the restart
	close(stopProd)
	<-prodDone
	mu.Lock()
	want := append([]string(nil), acked...)
	mu.Unlock()
	require.Greater(t, len(want), producedBefore, "records were produced after the restart")

	waitUntil(t, 60*time.Second, fmt.Sprintf("all %d acknowledged records on topic out", len(want)), func() bool {
		counts := valueCounts(out.snapshot())
		for _, v := range want {
			if counts[v] == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second) // let late duplicates arrive to be counted
	counts := valueCounts(out.snapshot())
	duplicates := 0
	for _, v := range want {
		duplicates += counts[v] - 1
	}
	t.Logf("%v; outage %v; %d records produced in all (%d before the stop), %d on out before the stop; "+
		"flowing again %v after the restart; %d duplicates; %d pipeline log lines from the stop until flowing again:\n%s",
		sig, outage, len(want), producedBefore, outBefore, flowingAfter.Round(100*time.Millisecond), duplicates,
		len(outageLog), strings.Join(outageLog, "\n"))

	// Nothing lost (checked above), duplicates allowed but few: at most
	// what was in flight at the stop.
	assert.Less(t, duplicates, 200, "duplicates")
	// The log says what happened, without a flood: each component once
	// that the broker is unreachable, once that it is back, and a handful
	// of other lines.
	all := strings.Join(outageLog, "\n")
	assert.Contains(t, all, "Cannot connect to broker "+addr+": ")
	assert.Contains(t, all, "connection refused")
	assert.Contains(t, all, "Connected to broker "+addr+" again after ")
	assert.LessOrEqual(t, len(outageLog), 12, "log lines during a %v outage", outage)
	assert.LessOrEqual(t, strings.Count(all, "Cannot connect to broker"), 2, "one per component (input, output)")
	assert.NotContains(t, all, "unable to open connection to broker", "each attempt is at debug level")

	exited, _ := pipeline.wait(0)
	assert.False(t, exited, "the pipeline keeps running")
}

// saslUsers are the users of the SASL broker, one per mechanism.
var saslUsers = []struct{ mechanism, user, pass string }{
	{"PLAIN", "plain-user", "plain-pass"},
	{"SCRAM-SHA-256", "scram256-user", "pass:with,odd=chars"},
	{"SCRAM-SHA-512", "scram512-user", "scram512-pass"},
}

func saslDevArgs() []string {
	var args []string
	for _, u := range saslUsers {
		args = append(args, "--sasl-user", u.mechanism+":"+u.user+":"+u.pass)
	}
	return args
}

func saslYAML(mechanism, user, pass string) string {
	return fmt.Sprintf("sasl: [ { mechanism: %s, username: %s, password: %q } ]", mechanism, user, pass)
}

func TestKafkaSecuritySASLMechanisms(t *testing.T) {
	const n = 20
	var topics []string
	for _, u := range saslUsers {
		topics = append(topics, "in-"+u.mechanism, "out-"+u.mechanism)
	}
	addr, dev := startKafkaDev(t, append(saslDevArgs(), "--topics", strings.Join(topics, ","), "--partitions", "2")...)
	assert.Contains(t, dev.out.String(), "SASL required; users plain-user (PLAIN), scram256-user (SCRAM-SHA-256), scram512-user (SCRAM-SHA-512)")

	for _, u := range saslUsers {
		t.Run(u.mechanism, func(t *testing.T) {
			opts := clientOpts(t, addr, "", u.mechanism, u.user, u.pass)
			in, out := "in-"+u.mechanism, "out-"+u.mechanism
			produceWith(t, opts, numbered(in, 0, n, 2))
			conn := saslYAML(u.mechanism, u.user, u.pass)
			pipeline := runPipeline(t, writeConfig(t, upperPipeline(addr, in, out, "g-"+u.mechanism, conn, conn)))
			got := collectWith(t, opts, out)
			waitUntil(t, 60*time.Second, fmt.Sprintf("%d records on %s", n, out), func() bool {
				return len(valueCounts(got.snapshot())) >= n
			})
			counts := valueCounts(got.snapshot())
			for i := 0; i < n; i++ {
				assert.Equal(t, 1, counts[fmt.Sprintf("R-%d", i)], "record %d", i)
			}
			stopProcess(t, pipeline, 30*time.Second)
			assert.NotContains(t, pipeline.out.String(), "level=error")
		})
	}

	t.Run("no SASL is refused", func(t *testing.T) {
		cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
		require.NoError(t, err)
		defer cl.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.Error(t, cl.Ping(ctx))
	})
}

func TestKafkaSecurityTLSAndSCRAMWithKcat(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "kafka-dev-ca.pem")
	addr, dev := startKafkaDev(t, "--topics", "in,out", "--tls-self-signed", caFile,
		"--sasl-user", "SCRAM-SHA-512:app:s3cret")
	assert.Contains(t, dev.out.String(), "TLS required; clients must trust a new self-signed certificate written to "+caFile)

	kcatSecure := []string{"-b", addr, "-X", "security.protocol=SASL_SSL", "-X", "ssl.ca.location=" + caFile,
		"-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=app", "-X", "sasl.password=s3cret"}
	kcat(t, "k1:hello\nk2:over tls\nk3:and scram\n", append([]string{"-P", "-t", "in", "-K:"}, kcatSecure...)...)

	conn := fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }\n%s", caFile, saslYAML("SCRAM-SHA-512", "app", "s3cret"))
	runPipeline(t, writeConfig(t, upperPipeline(addr, "in", "out", "tls-scram", conn, conn)))

	var lines []string
	waitUntil(t, 60*time.Second, "3 records on topic out, read by kcat over TLS and SCRAM", func() bool {
		out := kcat(t, "", append([]string{"-C", "-t", "out", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n"}, kcatSecure...)...)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		return len(lines) >= 3 && lines[0] != ""
	})
	assert.ElementsMatch(t, []string{"k1=HELLO", "k2=OVER TLS", "k3=AND SCRAM"}, lines)

	// kcat without the CA is refused: the certificate is self-signed.
	path := kcatPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	noCA, err := execOutput(ctx, path, "-L", "-b", addr, "-X", "security.protocol=SASL_SSL",
		"-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=app", "-X", "sasl.password=s3cret", "-m", "5")
	assert.Error(t, err, "kcat trusting only the system CAs: %s", noCA)
	assert.Contains(t, noCA, "certificate verify failed")
}

func TestKafkaSecurityWrongPasswordWritesNothingAndLosesNothing(t *testing.T) {
	const n = 50
	addr, _ := startKafkaDev(t, append(saslDevArgs(), "--topics", "in,out", "--partitions", "2")...)
	opts := clientOpts(t, addr, "", "SCRAM-SHA-256", "scram256-user", saslUsers[1].pass)
	produceWith(t, opts, numbered("in", 0, n, 2))
	out := collectWith(t, opts, "out")

	// The input logs in; the output's password is wrong: records are read
	// but cannot be written.
	right := saslYAML("SCRAM-SHA-256", "scram256-user", saslUsers[1].pass)
	wrong := saslYAML("SCRAM-SHA-256", "scram256-user", "not-the-password")
	bad := runPipeline(t, writeConfig(t, upperPipeline(addr, "in", "out", "wrong-password", right, wrong)))
	want := "reaching the brokers " + addr + ": the broker closed the connection while logging in with SASL SCRAM-SHA-256: " +
		"wrong user name or password, or a mechanism the broker does not accept?"
	waitUntil(t, 30*time.Second, "the output's login error in the log", func() bool {
		return strings.Contains(bad.out.String(), want)
	})
	time.Sleep(5 * time.Second) // time to write something, if it could
	assert.Empty(t, out.snapshot(), "nothing on topic out")
	failures := strings.Count(bad.out.String(), want)
	t.Logf("%d login errors logged in about 5 s:\n%s", failures, bad.out.String())
	assert.LessOrEqual(t, failures, 2, "a login error is retried every 10 s, not every second")
	assert.Contains(t, bad.out.String(), "path=root.output", "the error is the output's")

	stopAt := time.Now()
	stopProcess(t, bad, 30*time.Second)
	t.Logf("the pipeline stopped %v after SIGTERM", time.Since(stopAt).Round(100*time.Millisecond))

	// Fixed, everything arrives, once: nothing was committed.
	runPipeline(t, writeConfig(t, upperPipeline(addr, "in", "out", "wrong-password", right, right)))
	waitUntil(t, 60*time.Second, fmt.Sprintf("%d records on topic out", n), func() bool {
		return len(valueCounts(out.snapshot())) >= n
	})
	time.Sleep(time.Second)
	counts := valueCounts(out.snapshot())
	for i := 0; i < n; i++ {
		assert.Equal(t, 1, counts[fmt.Sprintf("R-%d", i)], "record %d", i)
	}
	assert.Len(t, out.snapshot(), n, "no duplicates")
}

func TestKafkaSecurityUntrustedCertificateReadsNothingAndLosesNothing(t *testing.T) {
	const n = 30
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	addr, _ := startKafkaDev(t, "--topics", "in,out", "--tls-self-signed", caFile)
	opts := clientOpts(t, addr, caFile, "", "", "")
	produceWith(t, opts, numbered("in", 0, n, 1))
	out := collectWith(t, opts, "out")

	// The input trusts only the system's CAs.
	trusted := fmt.Sprintf("tls: { enabled: true, root_cas_file: %q }", caFile)
	bad := runPipeline(t, writeConfig(t, upperPipeline(addr, "in", "out", "untrusted", "tls: { enabled: true }", trusted)))
	want := "reaching the brokers " + addr + ": the broker's TLS certificate is not trusted " +
		"(trust its CA with tls.root_cas_file or tls.root_cas): unable to dial: tls: failed to verify certificate: " +
		"x509: certificate signed by unknown authority"
	waitUntil(t, 30*time.Second, "the input's certificate error in the log", func() bool {
		return strings.Contains(bad.out.String(), want)
	})
	time.Sleep(3 * time.Second)
	assert.Empty(t, out.snapshot(), "nothing on topic out")
	assert.Contains(t, bad.out.String(), "path=root.input")
	t.Logf("log of the pipeline that does not trust the broker:\n%s", bad.out.String())
	stopProcess(t, bad, 30*time.Second)

	runPipeline(t, writeConfig(t, upperPipeline(addr, "in", "out", "untrusted", trusted, trusted)))
	waitUntil(t, 60*time.Second, fmt.Sprintf("%d records on topic out", n), func() bool {
		return len(valueCounts(out.snapshot())) >= n
	})
	time.Sleep(time.Second)
	assert.Len(t, out.snapshot(), n, "each record once")
}

func TestKafkaDevRefusesBadSecurityFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sasl-user", "PLAIN-only"}, `"PLAIN-only" is not MECHANISM:USER:PASSWORD`},
		{[]string{"--sasl-user", "GSSAPI:u:p"}, `kafka-dev: SASL user "u": unknown mechanism "GSSAPI"`},
		{[]string{"--tls-cert", filepath.Join(dir, "cert.pem")}, "kafka-dev: --tls-cert and --tls-key go together"},
		{[]string{"--tls-cert", filepath.Join(dir, "cert.pem"), "--tls-key", filepath.Join(dir, "key.pem")}, "kafka-dev: TLS certificate: open "},
		{[]string{"--tls-self-signed", filepath.Join(dir, "ca.pem"), "--tls-key", "k.pem"}, "kafka-dev: --tls-self-signed and --tls-cert/--tls-key: give one or the other"},
		{[]string{"--sync-writes"}, "kafka-dev: sync writes need a data directory"},
	} {
		out, err := benthosWasm(t, append([]string{"kafka-dev", "--port", "0"}, c.args...)...)
		assert.Error(t, err, "%v", c.args)
		assert.Contains(t, out, c.want, "%v", c.args)
		assert.NotContains(t, out, "listening on", "%v", c.args)
	}
}
