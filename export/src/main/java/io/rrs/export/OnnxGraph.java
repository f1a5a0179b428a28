package io.rrs.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: a small builder over the ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl}) for
 * graphs written node by node: typed inputs/outputs with symbolic dimensions, weight
 * initializers kept as recipes for libtorch tensors until {@link OnnxModelWriter} converts each to
 * the export's {@link ExportPrecision} and decides inline or external storage, small float32
 * constants, and nodes with attributes. Value names are made unique
 * here, so graph code never has to invent them.
 */
final class OnnxGraph {
    private final String name;
    private final ExportPrecision precision;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    /** Weights by initializer name, each made only when the writer stores it (inline or external). */
    private final Map<String, Supplier<Tensor>> weights = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    OnnxGraph(String name, ExportPrecision precision) {
        this.name = name;
        this.precision = precision;
        graph.setName(name);
    }

    ExportPrecision precision() {
        return precision;
    }

    String name() {
        return name;
    }

    /** A graph input; each dim is a Long (fixed) or a String (symbolic, e.g. "batch"). */
    String input(String valueName, DataType type, Object... dims) {
        graph.addInput(valueInfo(valueName, type, dims));
        return valueName;
    }

    /** Declares {@code value} (already produced by a node) as a graph output under {@code outputName}. */
    void output(String value, String outputName, DataType type, Object... dims) {
        String produced = value.equals(outputName) ? value : op("Identity", outputName, new String[] {value});
        graph.addOutput(valueInfo(produced, type, dims));
    }

    /**
     * A weight under its checkpoint name (or a derived one), made by {@code tensor} (any floating dtype,
     * possibly a view such as a transpose, or a LoRA merge) only when the writer stores it, then converted
     * to the export precision and freed: a large checkpoint is never copied whole. Returns the float32
     * value the graph computes with: the initializer itself, or its Cast to float32 when stored narrower.
     */
    String weight(String initializerName, Supplier<Tensor> tensor) {
        return asFloat(initializer(initializerName, tensor));
    }

    /**
     * The same weight as stored, in the export precision: for type-agnostic ops (Gather, Slice) that pick a
     * few rows of a large table, so that only those rows go through {@link #asFloat}.
     */
    String initializer(String initializerName, Supplier<Tensor> tensor) {
        if (weights.containsKey(initializerName)) throw new IllegalArgumentException("initializer '" + initializerName + "' added twice to graph " + name);
        weights.put(initializerName, tensor);
        return initializerName;
    }

    /** {@code value}, computed from weights in the export precision, as float32 (a Cast unless they are float32). */
    String asFloat(String value) {
        if (!precision.castsWeights()) return value;
        return op("Cast", value + ".float32", new String[] {value}, attr("to", (long) DataType.FLOAT.getNumber()));
    }

    Map<String, Supplier<Tensor>> weights() {
        return weights;
    }

    /** A small float32 constant, always stored inline. */
    String floats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return constant(DataType.FLOAT, b, shape);
    }

    String scalar(float value) {
        return floats(new float[] {value});
    }

    /** A small int64 constant (shapes, axes, indices), always stored inline. */
    String longs(long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return constant(DataType.INT64, b, shape);
    }

    /** A 1-D int64 constant. */
    String ints(long... values) {
        return longs(values, values.length);
    }

    private String constant(DataType type, ByteBuffer data, long[] shape) {
        String n = fresh("const");
        data.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(n).setDataType(type.getNumber()).setRawData(ByteString.copyFrom(data));
        for (long d : shape) t.addDims(d);
        graph.addInitializer(t);
        return n;
    }

    /** One node with one output; returns the output's name. */
    String op(String opType, String[] inputs, AttributeProto... attributes) {
        return op(opType, fresh(opType.toLowerCase()), inputs, attributes);
    }

    String op(String opType, String outputName, String[] inputs, AttributeProto... attributes) {
        return ops(opType, new String[] {outputName}, inputs, attributes)[0];
    }

    /** One node with several outputs (e.g. Split). */
    String[] ops(String opType, String[] outputNames, String[] inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(fresh("n_" + opType));
        for (String i : inputs) n.addInput(i);
        for (String o : outputNames) n.addOutput(o);
        for (AttributeProto a : attributes) n.addAttribute(a);
        graph.addNode(n);
        return outputNames;
    }

    /** Fresh names for a multi-output node. */
    String[] freshNames(String stem, int count) {
        String[] out = new String[count];
        for (int i = 0; i < count; i++) out[i] = fresh(stem);
        return out;
    }

    String fresh(String stem) {
        int k = counters.merge(stem, 1, Integer::sum);
        return stem + "_" + k;
    }

    /** The graph's nodes, inputs, outputs and inline constants; weights are added by the writer. */
    GraphProto.Builder proto() {
        return graph;
    }

    // ---- attributes ----

    static AttributeProto attr(String n, long v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto attr(String n, float v) {
        return AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto attrs(String n, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(n).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    private static ValueInfoProto valueInfo(String valueName, DataType type, Object[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            else if (d instanceof Number x) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(x.longValue()));
            else throw new IllegalArgumentException("dimension " + d + " of " + valueName + " is neither a size nor a symbolic name; got " + Arrays.toString(dims));
        }
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape);
        return ValueInfoProto.newBuilder().setName(valueName).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
