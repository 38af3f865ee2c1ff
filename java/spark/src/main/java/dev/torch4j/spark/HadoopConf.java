package dev.torch4j.spark;

import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/** A Hadoop {@link Configuration} carried to executors (it is not serializable itself): its entries, rebuilt there. */
final class HadoopConf implements Serializable {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final HashMap<String, String> entries = new HashMap<>();
    private transient Configuration conf;

    HadoopConf(Configuration conf) {
        for (Map.Entry<String, String> e : conf) entries.put(e.getKey(), e.getValue());
    }

    Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            conf = c;
        }
        return conf;
    }
}
