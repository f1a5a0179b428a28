package io.rrs.training;

import io.rrs.cli.UsageException;
import io.rrs.query.QueryEncoder;
import picocli.CommandLine.Option;

/**
 * Scope: {@code --audio-padding} (a picocli mixin of {@code rrs reshape prepare} and {@code rrs sft train}):
 * how far each clip's features are padded before the audio tower.
 */
public final class AudioPaddingOption {
    @Option(names = "--audio-padding", defaultValue = "window", paramLabel = "MODE",
            description = "window: every clip padded to the model's audio window (as Hugging Face's processor does); batch: only to the batch's "
                    + "longest clip plus a few frames of the window's silence (faster; the same audio rows up to float rounding); default: ${DEFAULT-VALUE}.")
    String name;

    /** The mode named; another name is a usage error. */
    public QueryEncoder.AudioPadding mode() {
        try {
            return QueryEncoder.AudioPadding.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--audio-padding: " + e.getMessage());
        }
    }
}
