package dev.torch4j.bench.infer;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

import java.nio.file.Path;

/**
 * DJL 0.36 with its PyTorch engine (libtorch 2.7.1 from pytorch-native-cpu, offline): the documented
 * path, Criteria -> ZooModel -> Predictor, NDList in and out (no translator work).
 */
final class DjlEngine implements Engine {
    private final ZooModel<NDList, NDList> model;
    private final ThreadLocal<Predictor<NDList, NDList>> predictors;
    private final NDManager manager;

    DjlEngine(Path file, int threads) throws Exception {
        // Read by DJL's PyTorch engine when it starts: the same intra-op count as the others (0: DJL's defaults).
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        String name = file.getFileName().toString();
        model = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file.getParent()).optModelName(name.substring(0, name.length() - 3))
                .optEngine("PyTorch").build().loadModel();
        // A Predictor is not thread-safe in DJL: one per calling thread, as its docs advise.
        predictors = ThreadLocal.withInitial(model::newPredictor);
        manager = model.getNDManager();
    }

    @Override public float[] run(float[] input, long[] shape) throws Exception {
        try (NDManager call = manager.newSubManager()) {
            NDArray x = call.create(input, new Shape(shape));
            NDList out = predictors.get().predict(new NDList(x));
            float[] y = out.get(0).toFloatArray();
            out.close();
            return y;
        }
    }

    @Override public void close() {
        model.close();
    }
}
