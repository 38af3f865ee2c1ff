package dev.torch4j.spark;

import dev.torch4j.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code s3a://} with nothing but Spark's jars and the application jar, against S3Proxy (an
 * S3-compatible server, its transient in-memory backend) on 127.0.0.1: scan and convert read a
 * store from a bucket and write back to it, with the rows and bytes of the same run on {@code file://}.
 */
class S3ObjectStoreIT {
    private static final String BUCKET = "models";
    @TempDir Path tmp;

    @Test @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void scanAndConvertOnS3aEqualFileSystemRuns() throws Exception {
        Path store = tmp.resolve("store");
        for (Fixtures.Expected e : Fixtures.expected()) {
            if (!e.file().startsWith("zip/") && !e.file().startsWith("legacy/") && !e.file().startsWith("malicious/")) continue;
            Files.createDirectories(store.resolve(e.file()).getParent());
            Files.copy(e.path(), store.resolve(e.file()));
        }
        try (Stream<Path> s = Files.walk(store)) {
            assertTrue(s.filter(Files::isRegularFile).count() >= 20, "zip, legacy and malicious fixtures");
        }

        int port = StandaloneCluster.freePort();
        Path props = tmp.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port, "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=torch4j", "s3proxy.credential=torch4j-secret",
                "jclouds.provider=transient", "jclouds.identity=x", "jclouds.credential=y", ""));
        Process server = new ProcessBuilder(StandaloneCluster.JAVA, "-Xmx256m", "-jar",
                StandaloneCluster.property("torch4j.spark.s3proxy"), "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("s3proxy.log").toFile()).start();
        try (S3Client s3 = awaitServer(port, server)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            try (Stream<Path> s = Files.walk(store)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    s3.putObject(b -> b.bucket(BUCKET).key("store/" + store.relativize(p)), RequestBody.fromFile(p));
                }
            }
            String s3root = "s3a://" + BUCKET;
            for (String command : List.of("scan", "convert")) {
                Main.run(new String[]{command, store.toString(), tmp.resolve("local-" + command).toString(), "--master", "local[2]"},
                        new PrintStream(new ByteArrayOutputStream()), System.err);
                Process p = new ProcessBuilder(command(port, command, s3root + "/store", s3root + "/" + command))
                        .redirectErrorStream(true).redirectOutput(tmp.resolve(command + ".log").toFile()).start();
                assertTrue(p.waitFor(180, TimeUnit.SECONDS), command + " ran past 180 s");
                String log = Files.readString(tmp.resolve(command + ".log"));
                assertEquals(1, p.exitValue(), log); // a malicious file: status 1, as on file://
            }
            String localStore = store.toUri().toString().replaceFirst("^file:///", "file:/").replaceAll("/$", "");
            List<String> localScan = new ArrayList<>();
            for (String l : SparkClusterIT.sortedParts(tmp.resolve("local-scan"))) localScan.add(l.replace(localStore, "STORE"));
            List<String> s3Scan = new ArrayList<>();
            for (S3Object o : list(s3, "scan/")) {
                if (!o.key().substring("scan/".length()).startsWith("part-")) continue;
                s3Scan.addAll(get(s3, o.key()).asUtf8String().lines().map(l -> l.replace(s3root + "/store", "STORE")).toList());
            }
            s3Scan.sort(null);
            assertEquals(localScan, s3Scan);

            Map<String, String> localFiles = new TreeMap<>();
            try (Stream<Path> s = Files.walk(tmp.resolve("local-convert"))) {
                for (Path p : s.filter(x -> x.toString().endsWith(".safetensors")).toList()) {
                    localFiles.put(tmp.resolve("local-convert").relativize(p).toString(), sha256(Files.readAllBytes(p)));
                }
            }
            Map<String, String> s3Files = new TreeMap<>();
            for (S3Object o : list(s3, "convert/")) {
                String rel = o.key().substring("convert/".length());
                assertFalse(rel.startsWith(JobOutput.PREFIX) || rel.endsWith(".tmp"), "leftover " + rel);
                if (rel.endsWith(".safetensors")) s3Files.put(rel, sha256(get(s3, o.key()).asByteArray()));
            }
            assertFalse(localFiles.isEmpty());
            assertEquals(localFiles, s3Files, Files.readString(tmp.resolve("convert.log")));
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code java -cp <Spark's jars>:<application jar> dev.torch4j.spark.Main ...} with S3A pointed at the server. */
    private static List<String> command(int port, String command, String in, String out) throws IOException {
        String sparkJars = Files.readString(Path.of(StandaloneCluster.property("torch4j.spark.classpath"))).trim();
        List<String> cmd = new ArrayList<>(List.of(StandaloneCluster.JAVA, "-Xmx768m"));
        cmd.addAll(Arrays.asList(StandaloneCluster.property("torch4j.spark.opens").trim().split("\\s+")));
        cmd.addAll(List.of("-cp", sparkJars + java.io.File.pathSeparator + StandaloneCluster.property("torch4j.spark.appJar"),
                "dev.torch4j.spark.Main", command, in, out, "--master", "local[2]"));
        for (String c : List.of("fs.s3a.endpoint=http://127.0.0.1:" + port, "fs.s3a.endpoint.region=us-east-1",
                "fs.s3a.path.style.access=true", "fs.s3a.connection.ssl.enabled=false",
                "fs.s3a.access.key=torch4j", "fs.s3a.secret.key=torch4j-secret",
                "fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")) {
            cmd.addAll(List.of("--conf", "spark.hadoop." + c));
        }
        return cmd;
    }

    private static S3Client awaitServer(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!server.isAlive()) throw new AssertionError("S3Proxy exited");
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("S3Proxy not listening on " + port);
                Thread.sleep(200);
            }
        }
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("torch4j", "torch4j-secret")))
                .build();
    }

    private static List<S3Object> list(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().toList();
    }

    private static ResponseBytes<GetObjectResponse> get(S3Client s3, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
