package io.rrs.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Scope: the evaluation report, {@code report.json} and {@code report.md}: DSR and ORR per
 * condition and per category, the base model first, then the aligned (RRS) model and every
 * {@code --compare} model (e.g. the SFT baseline), each with its delta against the base, plus the
 * mean over conditions, the phrase list, throughput and the plots. Rates are fractions in JSON
 * (null when undefined) and percentages in Markdown. JSON keys: the model names ("aligned" stays
 * the --aligned model's, its delta "delta"; a compare model NAME's delta is "delta_NAME"); Markdown
 * labels the aligned model "RRS". Without other models only base columns appear.
 *
 * @param models     "base" (required), optionally "aligned", then compare names -> their rates (column order: base, aligned, the rest as given)
 * @param modelPaths the same names -> the folder or run each was loaded from
 * @param throughput the same names -> generation speed of this run (absent when fully resumed)
 * @param plots      file names of the PNGs written beside the report
 */
public record EvalReport(List<String> conditions, Map<String, RateTable> models, Map<String, String> modelPaths, List<String> phrases,
                         Map<String, ResponseGenerator.Throughput> throughput, List<String> plots, List<String> notes) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    public EvalReport {
        if (conditions.isEmpty()) throw new IllegalArgumentException("a report needs at least one condition");
        if (!models.containsKey("base")) throw new IllegalArgumentException("a report needs the base model's rates");
        for (String m : models.keySet()) if (!m.equals("base") && !m.equals("aligned")) checkCompareName(m);
        List<String> order = order(models.keySet());
        models = ordered(models, order);
        modelPaths = ordered(modelPaths, order);
        throughput = ordered(throughput, order);
        conditions = List.copyOf(conditions);
    }

    /**
     * Refuses a {@code --compare} name that would collide with a column, a JSON key or a file name: lowercase
     * letters, digits, '-' and '_' (at most 32), not "base", "aligned", "rrs" (the --aligned model's label) or "delta...".
     */
    public static void checkCompareName(String name) {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException("--compare name \"" + name + "\" must be lowercase letters, digits, '-' or '_' (at most 32), e.g. sft=runs/sft");
        if (List.of("base", "aligned", "rrs").contains(name) || name.startsWith("delta"))
            throw new IllegalArgumentException("--compare name \"" + name + "\" is reserved (base, aligned, rrs, delta*); pick another, e.g. sft"
                    + (name.equals("rrs") || name.equals("aligned") ? ", and pass the RRS run as --aligned" : ""));
    }

    /** Base first, then aligned, then the other models in their given order: the column order of every table. */
    private static List<String> order(java.util.Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String k : List.of("base", "aligned")) if (names.contains(k)) out.add(k);
        for (String k : names) if (!out.contains(k)) out.add(k);
        return out;
    }

    private static <V> Map<String, V> ordered(Map<String, V> m, List<String> order) {
        Map<String, V> out = new LinkedHashMap<>();
        for (String k : order) if (m.containsKey(k)) out.put(k, m.get(k));
        return out;
    }

    /** Every model but the base, in column order: each gets a delta against the base. */
    private List<String> others() {
        return models.keySet().stream().filter(m -> !m.equals("base")).toList();
    }

    /** The Markdown label: "RRS" for the --aligned model, the name otherwise. */
    static String label(String model) {
        return model.equals("aligned") ? "RRS" : model;
    }

    /** The JSON key of a model's delta against the base: "delta" for the aligned model, "delta_NAME" for a compare model. */
    static String deltaKey(String model) {
        return model.equals("aligned") ? "delta" : "delta_" + model;
    }

    /** Writes report.json and report.md into {@code dir}; returns the Markdown path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
        Path md = dir.resolve("report.md");
        Files.writeString(md, toMarkdown());
        return md;
    }

    /** The mean over conditions of a model's DSR and ORR (each condition weighted equally, as the paper averages). */
    RefusalRates[] perCondition(String model) {
        RefusalRates[] out = new RefusalRates[conditions.size()];
        for (int i = 0; i < out.length; i++) out[i] = models.get(model).condition(conditions.get(i));
        return out;
    }

    static double mean(RefusalRates[] rates, boolean dsr) {
        double sum = 0;
        for (RefusalRates r : rates) sum += dsr ? r.dsr() : r.orr();
        return sum / rates.length;
    }

    public ObjectNode toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode conds = root.putArray("conditions");
        conditions.forEach(conds::add);
        ObjectNode paths = root.putObject("models");
        modelPaths.forEach(paths::put);
        ObjectNode labels = root.putObject("labels");
        models.keySet().forEach(m -> labels.put(m, label(m)));
        ArrayNode ph = root.putObject("judge").putArray("phrases");
        phrases.forEach(ph::add);
        ObjectNode results = root.putObject("results");
        for (String c : conditions) {
            ObjectNode cn = results.putObject(c);
            sideBySide(cn.putObject("overall"), m -> models.get(m).condition(c));
            ObjectNode cats = cn.putObject("categories");
            for (String cat : categories(c)) sideBySide(cats.putObject(cat), m -> models.get(m).category(c, cat));
        }
        ObjectNode mean = root.putObject("mean_over_conditions");
        for (String m : models.keySet()) {
            ObjectNode n = mean.putObject(m);
            putRate(n, "dsr", mean(perCondition(m), true));
            putRate(n, "orr", mean(perCondition(m), false));
        }
        for (String m : others()) {
            ObjectNode d = mean.putObject(deltaKey(m));
            putRate(d, "dsr", mean(perCondition(m), true) - mean(perCondition("base"), true));
            putRate(d, "orr", mean(perCondition(m), false) - mean(perCondition("base"), false));
        }
        ObjectNode tp = root.putObject("throughput");
        throughput.forEach((m, t) -> {
            ObjectNode n = tp.putObject(m);
            n.put("queries", t.queries());
            n.put("tokens", t.tokens());
            n.put("seconds", t.seconds());
            n.put("queries_per_s", t.queriesPerSecond());
            n.put("tokens_per_s", t.tokensPerSecond());
        });
        ArrayNode pl = root.putArray("plots");
        plots.forEach(pl::add);
        ArrayNode nt = root.putArray("notes");
        notes.forEach(nt::add);
        return root;
    }

    private void sideBySide(ObjectNode node, java.util.function.Function<String, RefusalRates> rates) {
        for (String m : models.keySet()) {
            RefusalRates r = rates.apply(m);
            ObjectNode n = node.putObject(m);
            putRate(n, "dsr", r.dsr());
            putRate(n, "orr", r.orr());
            n.put("harmful", r.harmful());
            n.put("harmful_refused", r.harmfulRefused());
            n.put("benign", r.benign());
            n.put("benign_refused", r.benignRefused());
        }
        for (String m : others()) {
            ObjectNode d = node.putObject(deltaKey(m));
            putRate(d, "dsr", rates.apply(m).dsr() - rates.apply("base").dsr());
            putRate(d, "orr", rates.apply(m).orr() - rates.apply("base").orr());
        }
    }

    private static void putRate(ObjectNode n, String field, double v) {
        if (Double.isNaN(v)) n.putNull(field);
        else n.put(field, v);
    }

    private List<String> categories(String condition) {
        TreeSet<String> all = new TreeSet<>();
        for (RateTable t : models.values()) all.addAll(t.categories(condition));
        return new ArrayList<>(all);
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("# RRS evaluation\n\n");
        modelPaths.forEach((m, p) -> sb.append("- ").append(label(m)).append(": `").append(p).append("`\n"));
        sb.append("- refusal phrases (case-insensitive substring): ").append(String.join(" | ", phrases.stream().map(p -> "\"" + p + "\"").toList())).append("\n");
        sb.append("- DSR = share of harmful queries refused (higher is safer); ORR = share of benign queries refused (lower is better)\n\n");
        sb.append("## Summary\n\n").append(header("condition", "harmful", "benign"));
        for (String c : conditions) {
            RefusalRates b = models.get("base").condition(c);
            sb.append(row(c, b.harmful(), b.benign(), m -> models.get(m).condition(c)));
        }
        sb.append(cells(List.of("**mean**", "", ""), m -> mean(perCondition(m), true), m -> mean(perCondition(m), false)));
        for (String c : conditions) {
            sb.append("\n## ").append(c).append(" by category\n\n").append(header("category", "harmful", "benign"));
            for (String cat : categories(c)) {
                RefusalRates b = models.get("base").category(c, cat);
                sb.append(row(cat, b.harmful(), b.benign(), m -> models.get(m).category(c, cat)));
            }
        }
        if (!throughput.isEmpty()) {
            sb.append("\n## Generation speed (this run)\n\n| model | queries | tokens | seconds | queries/s | tokens/s |\n|---|---|---|---|---|---|\n");
            throughput.forEach((m, t) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.1f |%n", label(m), t.queries(), t.tokens(),
                    t.seconds(), t.queriesPerSecond(), t.tokensPerSecond())));
        }
        if (!plots.isEmpty()) {
            sb.append("\n## Plots\n\n");
            for (String p : plots) sb.append("![").append(p).append("](").append(p).append(")\n\n");
        }
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            for (String n : notes) sb.append("- ").append(n).append("\n");
        }
        return sb.toString();
    }

    /** Columns: the first three, DSR base, then DSR and its delta per other model; the same for ORR. */
    private String header(String first, String n1, String n2) {
        List<String> cols = new ArrayList<>(List.of(first, n1, n2));
        for (String rate : List.of("DSR", "ORR")) {
            cols.add(rate + " base");
            for (String m : others()) {
                cols.add(rate + " " + label(m));
                cols.add("Δ" + rate + " " + label(m));
            }
        }
        return "| " + String.join(" | ", cols) + " |\n|" + "---|".repeat(cols.size()) + "\n";
    }

    private String row(String name, int harmful, int benign, java.util.function.Function<String, RefusalRates> rates) {
        return cells(List.of(name, Integer.toString(harmful), Integer.toString(benign)), m -> rates.apply(m).dsr(), m -> rates.apply(m).orr());
    }

    private String cells(List<String> first, java.util.function.Function<String, Double> dsr, java.util.function.Function<String, Double> orr) {
        List<String> cells = new ArrayList<>(first);
        for (var rate : List.of(dsr, orr)) {
            cells.add(pct(rate.apply("base")));
            for (String m : others()) {
                cells.add(pct(rate.apply(m)));
                cells.add(delta(rate.apply(m) - rate.apply("base")));
            }
        }
        return "| " + String.join(" | ", cells) + " |\n";
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String delta(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.1f pt", 100 * v);
    }
}
