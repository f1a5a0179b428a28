#!/usr/bin/env python3
"""How well a recogniser trained on real speech hears a built dataset's clips: CMU PocketSphinx with its US English
acoustic and language model (Debian main: `apt-get install pocketsphinx-en-us python3-pocketsphinx`), one JSON line
per clip (id, engine, voice, text, heard, errors, symbols) and the character error overall and per voice, characters
as the hearing stage spells them (lower case, letters, digits, apostrophe, one space between words). A reference point
for the audio tower's character error (`rrs pretrain transcription-error`), and the transcripts feed
`benchmarks/teacher_separation.py --heard` (docs/pretrain.md, "What hearing must reach"). ~0.8 s a clip on one core.

usage: benchmarks/sphinx_transcripts.py DATA_DIR SPLIT OUT.jsonl [--limit N]
"""
import collections, json, random, sys, wave
from pocketsphinx import Decoder
from spelled_text import edit_distance, spelled

MODEL = "/usr/share/pocketsphinx/model/en-us/"




def main():
    args = sys.argv[1:]
    limit = 0
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    data, split, out = args
    config = Decoder.default_config()
    config.set_string("-hmm", MODEL + "en-us")
    config.set_string("-lm", MODEL + "en-us.lm.bin")
    config.set_string("-dict", MODEL + "cmudict-en-us.dict")
    config.set_string("-logfn", "/dev/null")
    decoder = Decoder(config)
    rows = [r for r in map(json.loads, open(f"{data}/manifest.jsonl", encoding="utf-8")) if r["split"] == split]
    if limit:
        random.Random(20250519).shuffle(rows)
        rows = rows[:limit]
    errors, symbols = collections.Counter(), collections.Counter()
    with open(out, "w", encoding="utf-8") as f:
        for n, r in enumerate(rows, 1):
            with wave.open(f"{data}/{r['wav']}") as w:
                raw = w.readframes(w.getnframes())
            decoder.start_utt()
            decoder.process_raw(raw, False, True)
            decoder.end_utt()
            heard = decoder.hyp().hypstr if decoder.hyp() else ""
            reference = spelled(r["text"])
            e = edit_distance(reference, heard)
            voice = f"{r.get('engine', 'espeak-ng')}:{r['voice']}"
            for key in ("all", voice):
                errors[key] += e
                symbols[key] += len(reference)
            f.write(json.dumps({"id": r["id"], "engine": r.get("engine", ""), "voice": r["voice"], "text": r["text"], "heard": heard,
                                "errors": e, "symbols": len(reference)}) + "\n")
            if n % 100 == 0:
                print(f"{n}/{len(rows)} clips, character error so far {errors['all'] / symbols['all']:.3f}", file=sys.stderr, flush=True)
    for key in sorted(symbols):
        print(f"{key:24s} character error {errors[key] / symbols[key]:.3f} ({symbols[key]} characters)")


if __name__ == "__main__":
    main()
