package dev.torch4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How {@link Main} starts Spark, the same under {@code spark-submit} and under a plain {@code java}:
 * Spark's logging at WARN unless the user configured it, and on a cluster master the jar(s) holding
 * this code shipped to the executors (a plain {@code java -cp ... Main --master spark://...} would
 * otherwise start executors that cannot load a single torch4j class).
 */
final class SparkLaunch {
    private SparkLaunch() {}

    /**
     * Spark logs every stage at INFO on stderr (some 200 lines a job). A command shows warnings only,
     * unless the user chose a log4j2 configuration ({@code -Dlog4j2.configurationFile}) or a level
     * ({@code --conf spark.log.level=INFO}). Under {@code spark-submit} logging is already set up and
     * is reset before this main runs, and Spark falls back to its INFO defaults only where log4j2 has
     * no configuration of its own: so this sets one and has log4j2 load it now.
     */
    static void quietLogging() {
        if (System.getProperty("log4j.configurationFile") != null || System.getProperty("log4j2.configurationFile") != null) return;
        if (System.getProperty("spark.log.level") != null) return;
        java.net.URL config = SparkLaunch.class.getResource("log4j2-quiet.properties");
        if (config == null) return;
        try {
            // log4j-core is Spark's; reached by name because its annotations are not on the compile path (-Werror).
            // The way Spark loads its own defaults: the context's configuration location set to a resource.
            // Spark's context: log4j2 keeps one per class loader, and under spark-submit this class has its own loader.
            Object context = Class.forName("org.apache.logging.log4j.LogManager")
                    .getMethod("getContext", ClassLoader.class, boolean.class)
                    .invoke(null, org.apache.spark.SparkContext.class.getClassLoader(), false);
            context.getClass().getMethod("setConfigLocation", java.net.URI.class).invoke(context, config.toURI());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException | java.net.URISyntaxException e) {
            // another logging back end: Spark's own defaults apply
        }
    }

    static SparkSession session(String appName, String master, Map<String, String> conf) {
        SparkConf sparkConf = new SparkConf(); // spark-submit's settings arrive as spark.* system properties
        conf.forEach(sparkConf::set);
        if (master != null) sparkConf.setMaster(master);
        else if (!sparkConf.contains("spark.master")) sparkConf.setMaster("local[*]"); // a plain java launch: every local core
        if (!sparkConf.contains("spark.app.name")) sparkConf.setAppName(appName);
        // Under spark-submit Spark reloads its INFO defaults once this main runs; its own level setting, applied as
        // the context starts, quiets the rest (a few INFO lines about the versions come before it).
        if (!sparkConf.contains("spark.log.level") && System.getProperty("log4j.configurationFile") == null
                && System.getProperty("log4j2.configurationFile") == null) {
            sparkConf.set("spark.log.level", "WARN");
        }
        String resolvedMaster = sparkConf.get("spark.master");
        // A local run is a command: nobody browses its web UI, whose server and listeners cost about 1 CPU-s.
        if (resolvedMaster.startsWith("local") && !sparkConf.contains("spark.ui.enabled")) sparkConf.set("spark.ui.enabled", "false");
        if (!resolvedMaster.startsWith("local") && !sparkConf.contains("spark.jars")) {
            String jars = String.join(",", ownJars());
            if (!jars.isEmpty()) sparkConf.set("spark.jars", jars);
        }
        return SparkSession.builder().config(sparkConf).getOrCreate();
    }

    /** The jar files holding this module and torch4j-core: one, the application jar, when run from it. */
    static Set<String> ownJars() {
        Set<String> jars = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[]{Main.class, dev.torch4j.Torch.class}) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) continue;
            try {
                Path p = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(p)) jars.add(p.toUri().toString()); // a classes folder cannot be shipped
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a local file: the cluster must have it already
            }
        }
        return jars;
    }

    static boolean isLocal(SparkSession spark) {
        return spark.sparkContext().isLocal();
    }
}
