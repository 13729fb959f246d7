// A Go HTTP service that is safe behind a Kubernetes rolling update, with the standard library only.
// Traffic on PORT, probes on MANAGEMENT_PORT (/readyz, /livez). On SIGTERM: readiness fails, every answer
// says Connection: close, it keeps serving for SHUTDOWN_DELAY_SECONDS while routers stop sending, then
// Shutdown closes the listener, waits for requests in flight (bounded), and the process exits 0.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

func envInt(name string, fallback int) int {
	raw := os.Getenv(name)
	if raw == "" {
		return fallback
	}
	value, err := strconv.Atoi(raw)
	if err != nil || value < 0 {
		log.Fatalf("%s must be a whole number of seconds (got %q)", name, raw)
	}
	return value
}

func main() {
	port := os.Getenv("PORT")
	managementPort := os.Getenv("MANAGEMENT_PORT")
	if port == "" || managementPort == "" {
		log.Fatal("PORT and MANAGEMENT_PORT must be set")
	}
	// At least the time your cluster takes to stop routing new connections to a deleted pod.
	delay := time.Duration(envInt("SHUTDOWN_DELAY_SECONDS", 3)) * time.Second
	var draining atomic.Bool

	traffic := http.NewServeMux()
	traffic.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{\"hello\":\"go\"}\n"))
	})
	traffic.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * time.Second)
		w.Write([]byte("slow\n"))
	})
	server := &http.Server{
		Addr: "127.0.0.1:" + port,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// While draining, every answer tells keep-alive clients to reconnect (to another pod).
			if draining.Load() {
				w.Header().Set("Connection", "close")
			}
			traffic.ServeHTTP(w, r)
		}),
		// A client that never finishes its request head does not hold the drain open for long.
		ReadHeaderTimeout: 5 * time.Second,
	}

	management := http.NewServeMux()
	management.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	management.HandleFunc("/livez", func(w http.ResponseWriter, r *http.Request) {})
	go func() {
		log.Fatal(http.ListenAndServe("127.0.0.1:"+managementPort, management))
	}()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-stop
		draining.Store(true)
		log.Printf("draining: serving for %s more", delay)
		time.Sleep(delay)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := server.Shutdown(ctx); err != nil {
			log.Printf("shutdown: %v", err)
			server.Close()
		}
	}()

	log.Printf("listening on %s (management %s)", port, managementPort)
	if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	// ListenAndServe returns as soon as Shutdown starts: wait until the requests in flight are done.
	<-drained
	log.Print("stopped")
}
