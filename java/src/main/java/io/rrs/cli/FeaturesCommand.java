package io.rrs.cli;

import io.rrs.audio.Audio;
import io.rrs.audio.AudioLoader;
import io.rrs.frontend.FeatureComputer;
import io.rrs.frontend.KaldiFbank;
import io.rrs.frontend.KaldiFbankOptions;
import io.rrs.frontend.KaldiWindowType;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.Npy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rrs features}: one WAV in, one float32 {@code .npy} [frames, bins] out. The audio is
 * decoded, mixed to mono and resampled to 16 kHz first, exactly as the trainer and guard do.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Compute Kaldi fbank or Whisper log-mel features of a WAV file (any rate; resampled to 16 kHz) "
                + "and write them as float32 .npy of shape [frames, bins].")
public final class FeaturesCommand implements Callable<Integer> {

    enum Type { KALDI_FBANK, WHISPER_LOGMEL }

    @Option(names = "--type", required = true, converter = TypeConverter.class,
            description = "kaldi-fbank or whisper-logmel")
    Type type;

    @Option(names = "--num-mel-bins", description = "mel bins (default: 23 for kaldi-fbank, as torchaudio; 128 for whisper-logmel, as Qwen2-Audio; whisper takes 80 or 128)")
    Integer numMelBins;

    @Option(names = "--snip-edges", arity = "1", defaultValue = "true",
            description = "kaldi-fbank: drop frames that do not fit entirely (true) or mirror the edges (false); default ${DEFAULT-VALUE}")
    boolean snipEdges;

    @Option(names = "--window", defaultValue = "povey",
            description = "kaldi-fbank window: povey, hamming, hanning, rectangular, blackman; default ${DEFAULT-VALUE}")
    String window;

    @Option(names = "--dither", defaultValue = "0",
            description = "kaldi-fbank dither amount (int16 scale; torchaudio's default is 0); default ${DEFAULT-VALUE}")
    double dither;

    @Option(names = "--use-energy", description = "kaldi-fbank: add the log-energy column (first column)")
    boolean useEnergy;

    @Option(names = "--pad-or-trim", description = "whisper-logmel: pad or trim to the 30 s window first (as Qwen2-Audio does)")
    boolean padOrTrim;

    @Parameters(index = "0", paramLabel = "IN.wav", description = "input WAV (PCM 8/16/24/32-bit, float 32/64-bit, any rate and channel count)")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy", description = "output .npy file")
    Path output;

    @Override
    public Integer call() throws Exception {
        FeatureComputer computer = UsageException.fromOptions(this::computer);
        Audio audio = AudioLoader.load(input);
        float[][] features = type == Type.KALDI_FBANK
                ? ((KaldiFbank) computer).computeUnitRange(audio.samples())
                : computer.compute(audio.samples());
        Npy.writeFloat32(output, features);
        System.out.printf("%s: %.2f s -> %d frames x %d bins (%s) -> %s%n", input, audio.durationSeconds(),
                features.length, computer.numBins(), type.name().toLowerCase().replace('_', '-'), output);
        return 0;
    }

    FeatureComputer computer() {
        if (type == Type.WHISPER_LOGMEL) {
            return new WhisperLogMel(WhisperOptions.ofMels(numMelBins == null ? 128 : numMelBins).withPadOrTrim(padOrTrim));
        }
        KaldiFbankOptions opts = KaldiFbankOptions.defaults();
        opts = opts.withFrame(opts.frame().withSnipEdges(snipEdges).withDither(dither)
                        .withWindowType(KaldiWindowType.fromKaldiName(window)))
                .withUseEnergy(useEnergy);
        if (numMelBins != null) opts = opts.withNumMelBins(numMelBins);
        return new KaldiFbank(opts);
    }

    static final class TypeConverter implements picocli.CommandLine.ITypeConverter<Type> {
        @Override
        public Type convert(String value) {
            return switch (value) {
                case "kaldi-fbank" -> Type.KALDI_FBANK;
                case "whisper-logmel" -> Type.WHISPER_LOGMEL;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "unknown feature type '" + value + "'; use kaldi-fbank or whisper-logmel");
            };
        }
    }
}
