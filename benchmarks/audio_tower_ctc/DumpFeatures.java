import io.rrs.data.*;
import io.rrs.frontend.*;
import io.rrs.query.*;
import io.rrs.text.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Writes what ctc_probe.py and hear_probe.py read: every utterance of the given manifest splits (default train,test),
 * its Whisper log-mel through the model's query encoder (80 bins, valid frames + the encoder's trim margin, as
 * pretraining keeps them, frame-major, quantised to uint8 over [-1.5, 1.7]) to feats.u8, and index.tsv (id, split,
 * label, byte offset, kept frames, valid frames, token ids, text, engine/voice). Single-file program on the reactor class path:
 *   java -cp "$(cat export/target/rrs.classpath):native/target/classes:java/target/classes" \
 *       benchmarks/audio_tower_ctc/DumpFeatures.java MODEL_DIR DATA_DIR OUT_DIR [SPLIT,SPLIT...]
 */
public class DumpFeatures {
    public static void main(String[] a) throws Exception {
        if (a.length != 3 && a.length != 4) throw new IllegalArgumentException("usage: DumpFeatures MODEL_DIR DATA_DIR OUT_DIR [SPLIT,SPLIT... (default train,test)]");
        TextTokenizer tok = TextTokenizer.open(Path.of(a[0]).resolve("tokenizer.json"));
        SpokenDataset d = SpokenDataset.open(Path.of(a[1]));
        List<String> splits = List.of((a.length == 4 ? a[3] : "train,test").split(","));
        Path out = Files.createDirectories(Path.of(a[2]));
        QueryEncoder encoder = new QueryEncoder(PreprocessorConfig.read(Path.of(a[0]).resolve(PreprocessorConfig.FILE)), new ChatTemplate(tok));
        int done = 0;
        try (OutputStream bin = new BufferedOutputStream(Files.newOutputStream(out.resolve("feats.u8")));
             PrintWriter idx = new PrintWriter(Files.newBufferedWriter(out.resolve("index.tsv")))) {
            long offset = 0;
            for (String split : splits) {
                for (var e : d.entries()) {
                    if (!e.split().equals(split)) continue;
                    AudioFeatures f = encoder.features(d.wav(e));
                    int valid = f.validFrames(), kept = f.keptFrames();
                    byte[] q = new byte[kept * 80];
                    for (int t = 0; t < kept; t++)
                        for (int m = 0; m < 80; m++) {
                            float v = f.melMajor()[m * kept + t]; // whisper log-mel lies in about [-1, 1.5]
                            q[t * 80 + m] = (byte) Math.max(0, Math.min(255, Math.round((v + 1.5f) / 3.2f * 255f)));
                        }
                    bin.write(q);
                    StringBuilder ids = new StringBuilder();
                    for (int id : tok.encode(e.text().strip())) ids.append(ids.length() == 0 ? "" : ",").append(id);
                    idx.println(String.join("\t", e.id(), split.toUpperCase(Locale.ROOT), e.label(), Long.toString(offset), Integer.toString(kept),
                            Integer.toString(valid), ids.toString(), e.text().replace('\t', ' '), e.engine() + "/" + e.voice()));
                    offset += q.length;
                    if (++done % 1000 == 0) System.err.println(done + " clips");
                }
            }
        }
        System.err.println(done + " clips written to " + out);
    }
}
