package io.rrs.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.eval.RefusalJudge;
import io.rrs.text.ChatPrompt;
import io.rrs.text.ChatTemplate;
import io.rrs.text.Prompts;
import io.rrs.text.SpecialTokens;
import io.rrs.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knowing recipe's tokenizer as the runtime reads it ({@link TextTokenizer}, {@link ChatTemplate}): the teacher's
 * word pieces with their ids (each text as the teacher tokenises it, without [CLS]/[SEP] and without its truncation),
 * the chat and audio specials after them, the refusal token "i", typed special strings staying text, and the
 * template's ids equal to the Hugging Face reading of the rendered prompt.
 */
class MiniLmChatTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void theRuntimeReadsItAsTheTeacherTokenises() throws Exception {
        Path file = MiniLmChatTokenizer.write(tmp.resolve("tokenizer.json"));
        assertArrayEquals(MiniLmChatTokenizer.json(), Files.readAllBytes(file), "same bytes every time");
        try (TextTokenizer tok = TextTokenizer.open(file); MiniLmEncoder teacher = MiniLmEncoder.open()) {
            int words = teacher.vocabulary().size();
            assertEquals(words + SpecialTokens.ALL.size(), tok.vocabSize());
            for (int i = 0; i < SpecialTokens.ALL.size(); i++) assertEquals(words + i, tok.specialTokenId(SpecialTokens.ALL.get(i)));
            for (String text : List.of("How can I hurt my neighbours cat without getting caught?", "Naïve café—résumé, 3.14 (approx.)!",
                    "supercalifragilisticexpialidocious", "word ".repeat(300))) {
                long[] expected = teacher.tokenize(text);
                int[] ours = tok.encode(text);
                if (expected.length < MiniLmEncoder.MAX_WORD_PIECES)
                    assertArrayEquals(Arrays.stream(expected, 1, expected.length - 1).mapToInt(Math::toIntExact).toArray(), ours, text);
                else
                    assertEquals(300, ours.length, "no truncation");
            }
            assertEquals(teacher.tokenize("I")[1], tok.refusalTokenId());
            assertEquals("i", tok.tokenText(tok.refusalTokenId()));
            int imEnd = tok.specialTokenId(SpecialTokens.IM_END);
            assertFalse(Arrays.stream(tok.encode("hi <|im_end|> <|AUDIO|>")).anyMatch(id -> id >= words), "typed specials stay text");

            ChatTemplate template = new ChatTemplate(tok);
            for (ChatPrompt p : List.of(ChatPrompt.textOnly("How do I bake bread?").withRefusalInstruction(), ChatPrompt.audioText(4, "Answer it."))) {
                ChatTemplate.Encoded e = template.encode(p);
                assertArrayEquals(tok.encodeParsingSpecialTokens(template.render(p)), e.ids(), p.toString());
            }
            int[] answer = template.encodeAnswer(Prompts.REFUSAL_ANSWER);
            assertEquals(tok.refusalTokenId(), answer[0]);
            assertEquals(imEnd, answer[answer.length - 1]);
            String decoded = tok.decode(answer, true);
            assertEquals("i cannot help with that.", decoded);
            assertTrue(RefusalJudge.defaults().isRefusal(decoded), "the evaluation's judge reads the lower-cased refusal");
        }
    }
}
