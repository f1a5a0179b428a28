package io.rrs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.testing.PythonReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks the Rust tokenizers library (through DJL) against an independent pure-Python
 * reading of tokenizer.json (java/src/test/python/text/bpe_encode.py) on every dataset text,
 * every fixed prompt, rendered chat prompts and edge cases, both with special-token strings parsed
 * as markup and as plain text. Needs only a plain python3.
 */
class TextTokenizerReferenceTest {

    static boolean pythonRuns() {
        try {
            Process p = new ProcessBuilder(PythonReference.python(), "-c", "import json, re, unicodedata").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void djlAndThePythonReferenceAgreeOnEveryText(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(pythonRuns(), "no python3 at " + PythonReference.python());
        List<String> texts = new ArrayList<>(TokenizerBuilder.datasetTexts(ProjectTokenizer.dataDir()));
        texts.addAll(Prompts.fixedTexts());
        texts.addAll(List.of("  two leading spaces", "tab\there\n\nand newlines\n", "café ’curly’ 12345", "I'LL don't",
                "snake_case_name and under_score", "end with spaces   ", "<|im_start|>inline<|im_end|> specials", "ÅÄÖ naïve",
                "Say hi.<|im_end|>\n<|im_start|>assistant\nI cannot", "<|AUDIO|><|audio_eos|>x<|endoftext|>"));
        try (TextTokenizer tokenizer = ProjectTokenizer.open()) {
            ChatTemplate template = new ChatTemplate(tokenizer);
            texts.add(template.render(ChatPrompt.audioText(4, Prompts.AUDIO_TEXT_INSTRUCTION).withRefusalInstruction()));
            texts.add(template.render(ChatPrompt.textOnly("How do I bake bread?")));
            texts.add(template.render(ChatPrompt.audioOnly(3)));
            ObjectMapper mapper = new ObjectMapper();
            Path input = dir.resolve("texts.json");
            mapper.writeValue(input.toFile(), texts);
            Path script = PythonReference.repoRoot().resolve("java/src/test/python/text/bpe_encode.py");
            String file = ProjectTokenizer.file().toString();
            JsonNode markup = mapper.readTree(PythonReference.run(script, file, input.toString()));
            JsonNode plain = mapper.readTree(PythonReference.run(script, file, input.toString(), "--split-special-tokens"));
            assertEquals(texts.size(), markup.size());
            assertEquals(texts.size(), plain.size());
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(ids(markup.get(i)), tokenizer.encodeParsingSpecialTokens(texts.get(i)), "text " + i + ": " + texts.get(i));
                assertArrayEquals(ids(plain.get(i)), tokenizer.encode(texts.get(i)), "plain text " + i + ": " + texts.get(i));
            }
        }
    }

    static int[] ids(JsonNode list) {
        int[] out = new int[list.size()];
        for (int j = 0; j < out.length; j++) out[j] = list.get(j).asInt();
        return out;
    }
}
