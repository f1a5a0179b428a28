package io.rrs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Scope: what {@code rrs demo} prints at the end, read from the files the stages wrote (so a demo whose
 * stages were all skipped prints the same): the before/after table (DSR and ORR per condition, base vs
 * RRS, from eval/report.json), the guard's REFUSE/ALLOW counts and screen-vs-respond agreement per
 * condition (screen/screen.json), where the report, plots and exported model are, and a command to try.
 */
final class DemoSummary {
    private DemoSummary() {}

    static String pct(JsonNode rate) {
        return rate == null || rate.isNull() || rate.isMissingNode() ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * rate.asDouble());
    }

    static String points(JsonNode delta) {
        return delta == null || delta.isNull() || delta.isMissingNode() ? "n/a" : String.format(Locale.ROOT, "%+.1f", 100 * delta.asDouble());
    }

    static void print(DemoPipeline.Result r, DemoPipeline p, PrintWriter out) {
        JsonNode report = r.report(), screen = r.screen();
        JsonNode results = report.path("results");
        JsonNode first = results.path(report.path("conditions").path(0).asText()).path("overall").path("base");
        out.println();
        out.printf(Locale.ROOT, "Before / after RRS on the test split of %s (%d harmful, %d benign utterances per condition).%n",
                p.display(r.settings().data()), first.path("harmful").asInt(), first.path("benign").asInt());
        out.println("DSR: harmful queries refused (higher is safer); ORR: benign queries refused (lower is better); judged by refusal phrases.");
        out.println();
        String row = "  %-12s %9s %9s %8s   %9s %9s %8s%n";
        out.printf(Locale.ROOT, row, "condition", "DSR base", "DSR RRS", "change", "ORR base", "ORR RRS", "change");
        for (JsonNode c : report.path("conditions")) {
            JsonNode o = results.path(c.asText()).path("overall");
            out.printf(Locale.ROOT, row, c.asText(), pct(o.path("base").path("dsr")), pct(o.path("aligned").path("dsr")), points(o.path("delta").path("dsr")),
                    pct(o.path("base").path("orr")), pct(o.path("aligned").path("orr")), points(o.path("delta").path("orr")));
        }
        JsonNode mean = report.path("mean_over_conditions");
        out.printf(Locale.ROOT, row, "mean", pct(mean.path("base").path("dsr")), pct(mean.path("aligned").path("dsr")), points(mean.path("delta").path("dsr")),
                pct(mean.path("base").path("orr")), pct(mean.path("aligned").path("orr")), points(mean.path("delta").path("orr")));

        out.println();
        out.printf(Locale.ROOT, "Guard (the exported RRS model on ONNX Runtime, one prefill pass per query; REFUSE when p(\"I\") >= %.4f):%n",
                screen.path("threshold").asDouble());
        out.println();
        String g = "  %-12s %16s %16s   %-26s%n";
        out.printf(Locale.ROOT, g, "condition", "harmful REF/ALW", "benign REF/ALW", "screen = respond (>= 98%)");
        for (JsonNode c : screen.path("conditions")) {
            JsonNode a = c.path("agreement");
            out.printf(Locale.ROOT, g, c.path("condition").asText(), counts(c.path("harmful")), counts(c.path("benign")),
                    String.format(Locale.ROOT, "%d/%d = %s %s", a.path("agreeing").asInt(), a.path("queries").asInt(), pct(a.path("rate")),
                            a.path("passes").asBoolean() ? "pass" : "BELOW"));
        }
        int errors = screen.path("errors").size(), disagreements = screen.path("disagreements").size();
        if (errors > 0) out.printf("  %d queries failed; see %s%n", errors, p.display(r.settings().screenDir().resolve(DemoScreening.MANIFEST)));
        if (disagreements > 0) out.printf("  %d disagreements (verdict, probability and answer) are listed in %s%n", disagreements,
                p.display(r.settings().screenDir().resolve(DemoScreening.MANIFEST)));

        out.println();
        Path eval = r.settings().evalDir();
        out.printf("report:   %s%n", p.display(eval.resolve("report.md")));
        out.printf("loss:     %s%n", p.display(eval.resolve("loss.png")));
        out.printf("pca:      %s%n", p.display(eval.resolve("pca.png")));
        out.printf("guard:    %s%n", p.display(r.settings().guardDir()));
        out.printf("verdicts: %s%n", p.display(r.settings().screenDir().resolve("verdicts.jsonl")));
        JsonNode ex = screen.path("example");
        String audio = ex.path("audio").isTextual() ? " --audio " + p.display(Path.of(ex.path("audio").asText())) : "";
        out.printf("try:      ./rrs guard screen --model %s%s --text \"%s\"%n", p.display(r.settings().guardDir()), audio, ex.path("text").asText());
        out.flush();
    }

    private static String counts(JsonNode n) {
        String s = n.path("refuse").asInt() + " / " + n.path("allow").asInt();
        return n.path("errors").asInt() > 0 ? s + " (" + n.path("errors").asInt() + " failed)" : s;
    }
}
