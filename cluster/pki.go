package main

// The cluster's PKI: one CA, serving certificates for the API server and the kubelet, a client certificate
// (inside a kubeconfig) for each component, and the service-account signing key. Written once into a
// folder and kept: `zdd cluster up` is idempotent, so files that exist are reused, never rotated.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type identity struct {
	file   string // kubeconfig name, without extension
	cn     string
	groups []string
}

func runPKI(args []string) int {
	fs := flag.NewFlagSet("pki", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder for the certificates and kubeconfigs")
	var nodes stringList
	fs.Var(&nodes, "node", "a node as name=address (repeat for each node): its kubelet's certificates")
	apiserverIP := fs.String("apiserver-ip", "", "the API server's address (its serving certificate)")
	serviceIP := fs.String("service-ip", "", "the kubernetes Service's ClusterIP")
	server := fs.String("server", "", "API server URL written into the kubeconfigs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	for name, value := range map[string]string{"--dir": *dir, "--apiserver-ip": *apiserverIP, "--service-ip": *serviceIP, "--server": *server, "--node": nodes.String()} {
		if value == "" {
			fmt.Fprintf(os.Stderr, "pki: %s is required\n", name)
			return 2
		}
	}
	parsed := map[string]net.IP{}
	for _, n := range nodes {
		name, addr, ok := strings.Cut(n, "=")
		if !ok || net.ParseIP(addr) == nil {
			fmt.Fprintf(os.Stderr, "pki: --node %q is not name=address\n", n)
			return 2
		}
		parsed[name] = net.ParseIP(addr)
	}
	if err := writePKI(*dir, parsed, net.ParseIP(*apiserverIP), net.ParseIP(*serviceIP), *server); err != nil {
		fmt.Fprintf(os.Stderr, "pki: %v\n", err)
		return 1
	}
	return 0
}

func writePKI(dir string, nodes map[string]net.IP, apiserverIP, serviceIP net.IP, server string) error {
	if apiserverIP == nil || serviceIP == nil {
		return errors.New("--apiserver-ip and --service-ip must be IP addresses")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ca, caKey, err := loadOrCreateCA(dir)
	if err != nil {
		return err
	}
	loopback := net.ParseIP("127.0.0.1")
	type servingCert struct {
		name string
		cn   string
		dns  []string
		ips  []net.IP
	}
	serving := []servingCert{
		{"apiserver", "kube-apiserver", []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"}, []net.IP{loopback, apiserverIP, serviceIP}},
	}
	for node, ip := range nodes {
		serving = append(serving, servingCert{"kubelet-" + node, node, []string{node, "localhost"}, []net.IP{loopback, ip}})
	}
	for _, s := range serving {
		if err := ensureCert(dir, s.name, ca, caKey, pkix.Name{CommonName: s.cn}, x509.ExtKeyUsageServerAuth, s.dns, s.ips); err != nil {
			return err
		}
	}
	// The API server's client certificate towards kubelets (logs, exec, port-forward).
	if err := ensureCert(dir, "apiserver-kubelet-client", ca, caKey, pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"system:masters"}}, x509.ExtKeyUsageClientAuth, nil, nil); err != nil {
		return err
	}
	if err := ensureServiceAccountKey(dir); err != nil {
		return err
	}
	identities := []identity{
		{"admin", "zdd-admin", []string{"system:masters"}},
		{"controller-manager", "system:kube-controller-manager", nil},
		{"scheduler", "system:kube-scheduler", nil},
		{"proxy", "system:kube-proxy", nil},
		{"coredns", "zdd:coredns", nil},
	}
	for node := range nodes {
		// The Node authorizer and NodeRestriction admit a kubelet by this name and group only.
		identities = append(identities, identity{"kubelet-" + node, "system:node:" + node, []string{"system:nodes"}})
	}
	for _, id := range identities {
		if err := ensureKubeconfig(dir, id, ca, caKey, server); err != nil {
			return err
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func loadOrCreateCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	certPath, keyPath := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if exists(certPath) && exists(keyPath) {
		return loadPair(certPath, keyPath)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "zdd-cluster-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := writePair(certPath, keyPath, der, key); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func loadPair(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	certBlock, _ := pem.Decode(certPEM)
	keyBlock, _ := pem.Decode(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM: delete the folder to start afresh", certPath, keyPath)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	return cert, key, err
}

func newLeaf(ca *x509.Certificate, caKey crypto.Signer, subject pkix.Name, usage x509.ExtKeyUsage, dns []string, ips []net.IP) ([]byte, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	return der, key, err
}

func ensureCert(dir, name string, ca *x509.Certificate, caKey crypto.Signer, subject pkix.Name, usage x509.ExtKeyUsage, dns []string, ips []net.IP) error {
	certPath, keyPath := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if exists(certPath) && exists(keyPath) {
		return nil
	}
	der, key, err := newLeaf(ca, caKey, subject, usage, dns, ips)
	if err != nil {
		return err
	}
	return writePair(certPath, keyPath, der, key)
}

func ensureServiceAccountKey(dir string) error {
	keyPath, pubPath := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if exists(keyPath) && exists(pubPath) {
		return nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

func ensureKubeconfig(dir string, id identity, ca *x509.Certificate, caKey crypto.Signer, server string) error {
	path := filepath.Join(dir, id.file+".kubeconfig")
	if exists(path) {
		return nil
	}
	der, key, err := newLeaf(ca, caKey, pkix.Name{CommonName: id.cn, Organization: id.groups}, x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	b64 := func(block *pem.Block) string { return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(block)) }
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: zdd
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: zdd
  context:
    cluster: zdd
    user: %s
current-context: zdd
`, server, b64(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), id.cn,
		b64(&pem.Block{Type: "CERTIFICATE", Bytes: der}), b64(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), id.cn)
	return os.WriteFile(path, []byte(config), 0o600)
}

func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}
