// A Java HTTP service that is safe behind a Kubernetes rolling update, with the JDK only (run it with
// `java Main.java`, Java 17+). Traffic on PORT, probes on MANAGEMENT_PORT (/readyz, /livez). On SIGTERM:
// readiness fails, every answer says Connection: close, it keeps serving for SHUTDOWN_DELAY_SECONDS while
// routers stop sending, then it waits for the exchanges in flight (bounded) and stop() closes the listener and connections,
// and the process exits 0 (a shutdown hook alone would exit 143).
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

public class Main {
  static final AtomicBoolean draining = new AtomicBoolean(false);
  static final AtomicInteger inFlight = new AtomicInteger();

  /** Counts the exchanges in flight, so that the drain knows when they are done. */
  static HttpHandler counted(HttpHandler handler) {
    return exchange -> {
      inFlight.incrementAndGet();
      try {
        handler.handle(exchange);
      } finally {
        inFlight.decrementAndGet();
      }
    };
  }

  static int env(String name, int fallback) {
    String raw = System.getenv(name);
    if (raw == null || raw.isEmpty()) return fallback;
    if (!raw.matches("\\d+")) {
      System.err.println(name + " must be a whole number (got \"" + raw + "\")");
      System.exit(2);
    }
    return Integer.parseInt(raw);
  }

  static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    // While draining, every answer tells keep-alive clients to reconnect (to another pod).
    if (draining.get()) exchange.getResponseHeaders().set("Connection", "close");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = env("PORT", 8080);
    int managementPort = env("MANAGEMENT_PORT", 9090);
    // At least the time your cluster takes to stop routing new connections to a deleted pod.
    int delay = env("SHUTDOWN_DELAY_SECONDS", 3);

    HttpServer traffic = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    traffic.setExecutor(Executors.newCachedThreadPool());
    traffic.createContext("/", counted(exchange -> answer(exchange, 200, "{\"hello\":\"java\"}\n")));
    traffic.createContext("/slow", counted(exchange -> {
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(exchange, 200, "slow\n");
    }));

    HttpServer management = HttpServer.create(new InetSocketAddress("127.0.0.1", managementPort), 16);
    management.createContext("/readyz", exchange -> answer(exchange, draining.get() ? 503 : 200, ""));
    management.createContext("/livez", exchange -> answer(exchange, 200, ""));
    management.createContext("/", exchange -> answer(exchange, 404, ""));

    SignalHandler onSignal = signal -> {
      if (!draining.compareAndSet(false, true)) return;
      System.err.println("draining: serving for " + delay + " s more");
      new Thread(() -> {
        try {
          Thread.sleep(delay * 1000L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // Waits for the exchanges in flight (at most 10 s), then closes the listener and every connection.
        long deadline = System.currentTimeMillis() + 10_000;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            break;
          }
        }
        traffic.stop(0);
        management.stop(0);
        System.err.println("stopped");
        System.exit(0);
      }).start();
    };
    Signal.handle(new Signal("TERM"), onSignal);
    Signal.handle(new Signal("INT"), onSignal);

    management.start();
    traffic.start();
    System.err.println("listening on " + port + " (management " + managementPort + ")");
  }
}
