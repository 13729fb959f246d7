// zdd-dns: CoreDNS built with only the plugins the local cluster's DNS needs. Cluster names are answered
// from the API server by the kubernetes plugin; there is no forward plugin, so no query ever leaves the
// machine: a name outside the cluster domain is refused.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
