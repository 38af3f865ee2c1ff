package dev.torch4j.spark;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for the integration tests: a master and workers, each its
 * own JVM started from the module's own Spark jars ({@code SPARK_HOME/jars} links to the provided
 * dependencies, nothing of torch4j), and {@code SparkSubmit} runs of the application jar. Every
 * process is stopped by its id in {@link #close()}.
 */
final class StandaloneCluster implements AutoCloseable {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    final Path home;
    final Path logs;
    final String master;
    private final List<Process> daemons = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final Process masterProcess;

    StandaloneCluster(Path dir, int workerCount) throws Exception {
        home = Files.createDirectories(dir.resolve("spark-home"));
        logs = Files.createDirectories(dir.resolve("logs"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        String classpath = Files.readString(Path.of(property("torch4j.spark.classpath"))).trim();
        for (String jar : classpath.split(java.io.File.pathSeparator)) {
            Path j = Path.of(jar);
            Files.createSymbolicLink(jars.resolve(j.getFileName()), j);
        }
        int port = freePort();
        master = "spark://127.0.0.1:" + port;
        masterProcess = start("master", "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        awaitPort(port, masterProcess);
        for (int i = 0; i < workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("work-" + i));
            workers.add(start("worker-" + i, "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", work.toString(),
                    "--webui-port", String.valueOf(freePort()), master));
        }
        awaitLog("master", "Registering worker", workerCount, 120);
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null) throw new IllegalStateException(name + " not set (run through failsafe: ./mvnw verify -pl java/spark -am)");
        return v;
    }

    private static List<String> opens() {
        return Arrays.asList(property("torch4j.spark.opens").trim().split("\\s+"));
    }

    private ProcessBuilder java(String name, List<String> jvm, String mainClass, String classpath, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA));
        cmd.addAll(opens());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(false);
        pb.redirectOutput(logs.resolve(name + ".out").toFile());
        pb.redirectError(logs.resolve(name + ".log").toFile());
        return pb;
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        Process p = java(name, List.of("-Xmx256m"), mainClass, home.resolve("jars") + "/*", args).start();
        daemons.add(p);
        return p;
    }

    /** A finished run: exit status, stdout, stderr. */
    record Run(int status, String out, String err) {}

    /** {@code java -cp <Spark jars>:<app jar> dev.torch4j.spark.Main args... --master <this cluster>}. */
    Run plainJava(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--master", master, "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false"));
        return run(java(name, List.of("-Xmx512m"), "dev.torch4j.spark.Main",
                home.resolve("jars") + "/*" + java.io.File.pathSeparator + property("torch4j.spark.appJar"),
                all.toArray(new String[0])).start(), name, null);
    }

    /** Runs {@code p} to its end; {@code whileRunning}, if given, is called every 20 ms until it returns true. */
    Run run(Process p, String name, java.util.function.BooleanSupplier whileRunning) throws Exception {
        daemons.add(p);
        try {
            boolean done = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                if (!done && whileRunning != null) done = whileRunning.getAsBoolean();
                if (System.nanoTime() > deadline) throw new AssertionError(name + " ran past 240 s:\n" + tail(name + ".log"));
            }
            return new Run(p.exitValue(), Files.readString(logs.resolve(name + ".out")), Files.readString(logs.resolve(name + ".log")));
        } finally {
            stop(p);
        }
    }

    /**
     * {@code SparkSubmit --master <this cluster> --class dev.torch4j.spark.Main <app jar> args...}, calling
     * {@code whileRunning} (if not null) during the run.
     */
    Run submit(String name, java.util.function.BooleanSupplier whileRunning, String... args) throws Exception {
        List<String> submit = new ArrayList<>(List.of("--master", master, "--class", "dev.torch4j.spark.Main",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false", property("torch4j.spark.appJar")));
        submit.addAll(List.of(args));
        Process p = java(name, List.of("-Xmx512m"), "org.apache.spark.deploy.SparkSubmit", home.resolve("jars") + "/*",
                submit.toArray(new String[0])).start();
        return run(p, name, whileRunning);
    }

    /** Kills worker {@code i} and its executors at once (SIGKILL: no shutdown hooks run), as a machine that dies. */
    void killWorker(int i) {
        Process w = workers.get(i);
        w.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
    }

    String tail(String log) {
        try {
            List<String> lines = Files.readAllLines(logs.resolve(log), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }

    private void awaitLog(String name, String text, int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String log = Files.readString(logs.resolve(name + ".log"));
            if (log.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= count) return;
            Thread.sleep(200);
        }
        throw new AssertionError(name + ": no " + count + " x '" + text + "' in " + seconds + " s:\n" + tail(name + ".log"));
    }

    private void awaitPort(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new AssertionError("master exited:\n" + tail("master.log"));
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("master not listening on " + port + ":\n" + tail("master.log"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) {
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every process this cluster started, by process id, children (executors) first. */
    @Override public void close() {
        for (int i = daemons.size() - 1; i >= 0; i--) stop(daemons.get(i));
    }
}
