package kafka

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// DevSelfSignedCert makes a certificate for a development broker: for
// 127.0.0.1, ::1 and localhost, valid for 30 days, and its own certificate
// authority. caPEM is the certificate in PEM, for clients to trust
// (kafka_franz's root_cas_file, kcat's ssl.ca.location).
func DevSelfSignedCert() (cert tls.Certificate, caPEM []byte, err error) {
	cert, caPEM, _, err = devSelfSignedCert()
	return cert, caPEM, err
}

// LoadOrMakeDevCert is DevSelfSignedCert kept in the file path (the
// certificate and its private key, PEM, readable by the owner only): the
// one there is used again while it is valid for another day, so that
// clients that trust it keep trusting a broker started again; otherwise a
// new one is made and saved there.
func LoadOrMakeDevCert(path string) (cert tls.Certificate, caPEM []byte, reused bool, err error) {
	if saved, err := os.ReadFile(path); err == nil {
		cert, err := tls.X509KeyPair(saved, saved)
		if err == nil && cert.Leaf != nil && time.Now().Add(24*time.Hour).Before(cert.Leaf.NotAfter) {
			return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), true, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return cert, nil, false, fmt.Errorf("reading the saved certificate: %w", err)
	}
	cert, caPEM, keyPEM, err := devSelfSignedCert()
	if err != nil {
		return cert, nil, false, err
	}
	if err := os.WriteFile(path, append(append([]byte(nil), caPEM...), keyPEM...), 0o600); err != nil {
		return cert, nil, false, fmt.Errorf("saving the certificate: %w", err)
	}
	return cert, caPEM, false, nil
}

func devSelfSignedCert() (cert tls.Certificate, caPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("generating a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return cert, nil, nil, fmt.Errorf("generating a serial number: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "benthos-wasm kafka-dev (self-signed, not for production)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("making the certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("reading the certificate back: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("encoding the key: %w", err)
	}
	cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
