package io.rrs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.training.TrainingLog;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNGs decode with the documented sizes and are not blank; the training log format is enforced. */
class EvalPlotsTest {
    @TempDir
    Path tmp;

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) seen.add(img.getRGB(x, y));
        return seen.size();
    }

    @Test
    void lossCurveIsAPngOfOnePanel() throws IOException {
        Path log = tmp.resolve(TrainingLog.FILE_NAME);
        StringBuilder sb = new StringBuilder();
        for (int step = 1; step <= 40; step++) sb.append(String.format(java.util.Locale.ROOT, "{\"step\":%d,\"epoch\":%.3f,\"loss\":%.5f,\"lr\":5e-5}%n", step, step / 20.0, 1.0 / step));
        sb.append("{\"step\":41,\"epo"); // torn tail of a run still writing
        Files.writeString(log, sb);
        TrainingLog parsed = TrainingLog.read(log);
        assertEquals(40, parsed.points().size());
        assertEquals(0.025, parsed.points().get(39).loss(), 1e-9);
        Path png = EvalPlots.lossCurve(parsed, tmp.resolve("loss.png"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(EvalPlots.PANEL_WIDTH, img.getWidth());
        assertEquals(EvalPlots.PANEL_HEIGHT, img.getHeight());
        assertTrue(distinctColours(img) > 2, "the chart draws something");
    }

    @Test
    void badTrainingLogLinesFailWithTheirNumber() throws IOException {
        Path log = tmp.resolve("bad.jsonl");
        Files.writeString(log, "{\"step\":1,\"epoch\":0,\"loss\":0.5}\n{\"step\":2,\"loss\":0.4}\n{\"step\":3,\"epoch\":0,\"loss\":0.3}\n");
        IOException e = assertThrows(IOException.class, () -> TrainingLog.read(log));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("epoch"), e.getMessage());
        Files.writeString(log, "{\"step\":1,\"epoch\":0,\"loss\":NaN}\n\n");
        assertThrows(IOException.class, () -> TrainingLog.read(log));
        assertThrows(IOException.class, () -> TrainingLog.read(tmp.resolve("missing.jsonl")));
    }

    @Test
    void pcaPictureHasOnePanelPerModelAndSharedAxes() throws IOException {
        Random rnd = new Random(5);
        Map<String, double[][]> base = new LinkedHashMap<>(), aligned = new LinkedHashMap<>();
        for (String g : RepresentationProbe.GROUPS) {
            base.put(g, gaussian(rnd, 12, 16, 0));
            aligned.put(g, gaussian(rnd, 12, 16, g.equals("harmful") ? 4 : 0)); // harmful moves after alignment
        }
        Path png = tmp.resolve("pca.png");
        Pca pca = EvalPlots.pca(EvalPlots.panels(base, aligned), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * EvalPlots.PANEL_WIDTH, img.getWidth());
        assertEquals(EvalPlots.PANEL_HEIGHT, img.getHeight());
        assertTrue(distinctColours(img) > 3);
        // the panels differ (titles, and the harmful points moved), and the PCA was fitted on 72 points of 16 features
        int differing = 0;
        for (int y = 0; y < img.getHeight(); y += 2)
            for (int x = 0; x < EvalPlots.PANEL_WIDTH; x += 2) if (img.getRGB(x, y) != img.getRGB(x + EvalPlots.PANEL_WIDTH, y)) differing++;
        assertNotEquals(0, differing);
        assertEquals(16, pca.mean().length);

        Path single = tmp.resolve("pca-base.png");
        EvalPlots.pca(EvalPlots.panels(base, null), single);
        assertEquals(EvalPlots.PANEL_WIDTH, ImageIO.read(single.toFile()).getWidth(), "base only: one panel");
    }

    private static double[][] gaussian(Random rnd, int n, int d, double shift) {
        double[][] x = new double[n][d];
        for (double[] row : x) for (int j = 0; j < d; j++) row[j] = rnd.nextGaussian() + (j == 0 ? shift : 0);
        return x;
    }
}
