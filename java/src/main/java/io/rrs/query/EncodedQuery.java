package io.rrs.query;

import io.rrs.text.ChatTemplate;

/** One query ready for the model: its prompt's token ids and, when the prompt carries audio, the clip's features. */
public record EncodedQuery(ChatTemplate.Encoded tokens, AudioFeatures audio) {
    public EncodedQuery {
        if (tokens.condition().hasAudio() != (audio != null))
            throw new IllegalArgumentException(tokens.condition() + (audio == null ? " needs audio features" : " carries no audio, yet features were given"));
        if (audio != null && tokens.audioLength() != audio.positions())
            throw new IllegalArgumentException("the prompt holds " + tokens.audioLength() + " audio positions, the clip fills " + audio.positions());
    }
}
