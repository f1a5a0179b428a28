package io.rrs.eval;

import io.rrs.training.TrainingLog;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scope: the report's PNGs (XChart): the training loss curve, and the reshaped-space picture, a
 * 2-D PCA of the last-token representations of the three {@link RepresentationProbe#GROUPS}.
 * The PCA is fitted once on the points of both models together and both panels use its axes, so
 * the shift from "before" to "after" is visible as movement in one coordinate system (same
 * axis ranges in every panel).
 */
public final class EvalPlots {
    public static final int PANEL_WIDTH = 640;
    public static final int PANEL_HEIGHT = 480;
    public static final String LOSS_FILE = "loss.png";
    public static final String PCA_FILE = "pca.png";
    private static final Color[] GROUP_COLOURS = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C)};

    private EvalPlots() {}

    /** Loss against optimiser step, {@link #PANEL_WIDTH} x {@link #PANEL_HEIGHT}. */
    public static Path lossCurve(TrainingLog log, Path png) throws IOException {
        return lossCurves(Map.of("RRS", log), png);
    }

    /**
     * One loss panel per training log ({@code label} -> log; e.g. RRS and the SFT baseline), side by side, each with
     * its own loss axis (the objectives differ in scale), {@code logs.size() * PANEL_WIDTH} x {@link #PANEL_HEIGHT}.
     */
    public static Path lossCurves(Map<String, TrainingLog> logs, Path png) throws IOException {
        List<BufferedImage> panels = new ArrayList<>();
        for (Map.Entry<String, TrainingLog> e : logs.entrySet()) {
            XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(e.getKey() + " training loss")
                    .xAxisTitle("optimiser step").yAxisTitle("loss").build();
            List<TrainingLog.Point> points = e.getValue().points();
            double[] x = new double[points.size()], y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i).step();
                y[i] = points.get(i).loss();
            }
            XYSeries s = chart.addSeries("loss", x, y);
            s.setMarker(x.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            chart.getStyler().setLegendVisible(false);
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        return write(sideBySide(panels), png);
    }

    /**
     * The PCA picture: one panel per model ("before (base)", "after (aligned)"), side by side,
     * {@code models.size() * PANEL_WIDTH} x {@link #PANEL_HEIGHT}. {@code models}: panel title ->
     * group -> [n][hidden] representations.
     */
    public static Pca pca(Map<String, Map<String, double[][]>> models, Path png) throws IOException {
        List<double[]> all = new ArrayList<>();
        for (Map<String, double[][]> groups : models.values()) for (double[][] g : groups.values()) all.addAll(List.of(g));
        Pca pca = Pca.fit(all.toArray(new double[0][]), 2);
        double[] ratio = pca.explainedVarianceRatio();
        // one range for every panel, so equal coordinates sit at equal places
        double[][] everything = pca.project(all.toArray(new double[0][]));
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] p : everything)
            for (int a = 0; a < 2; a++) {
                lo[a] = Math.min(lo[a], p[a]);
                hi[a] = Math.max(hi[a], p[a]);
            }
        List<BufferedImage> panels = new ArrayList<>();
        for (Map.Entry<String, Map<String, double[][]>> m : models.entrySet()) {
            XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(m.getKey())
                    .xAxisTitle(String.format(Locale.ROOT, "PC1 (%.1f%% of variance)", 100 * ratio[0]))
                    .yAxisTitle(String.format(Locale.ROOT, "PC2 (%.1f%%)", 100 * ratio[1])).build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(6);
            double padX = 0.05 * (hi[0] - lo[0]) + 1e-9, padY = 0.05 * (hi[1] - lo[1]) + 1e-9;
            chart.getStyler().setXAxisMin(lo[0] - padX).setXAxisMax(hi[0] + padX).setYAxisMin(lo[1] - padY).setYAxisMax(hi[1] + padY);
            int colour = 0;
            for (Map.Entry<String, double[][]> g : m.getValue().entrySet()) {
                double[][] xy = pca.project(g.getValue());
                if (xy.length == 0) continue;
                double[] x = new double[xy.length], y = new double[xy.length];
                for (int i = 0; i < xy.length; i++) {
                    x[i] = xy[i][0];
                    y[i] = xy[i][1];
                }
                XYSeries s = chart.addSeries(g.getKey(), x, y);
                s.setMarkerColor(GROUP_COLOURS[colour++ % GROUP_COLOURS.length]);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        write(sideBySide(panels), png);
        return pca;
    }

    private static BufferedImage sideBySide(List<BufferedImage> panels) {
        BufferedImage joined = new BufferedImage(PANEL_WIDTH * panels.size(), PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = joined.createGraphics();
        for (int i = 0; i < panels.size(); i++) g.drawImage(panels.get(i), i * PANEL_WIDTH, 0, null);
        g.dispose();
        return joined;
    }

    /** Convenience for the command: panel titles for base and (optionally) aligned. */
    static Map<String, Map<String, double[][]>> panels(Map<String, double[][]> base, Map<String, double[][]> aligned) {
        Map<String, Map<String, double[][]>> m = new LinkedHashMap<>();
        m.put("before RRS (base)", base);
        if (aligned != null) m.put("after RRS (aligned)", aligned);
        return m;
    }

    private static Path write(BufferedImage image, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", png.toFile())) throw new IOException("no PNG writer in this JVM for " + png);
        return png;
    }
}
