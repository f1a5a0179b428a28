package io.rrs.data.hearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each Debian corpus format, written here in its documented layout, read back into sentences. */
class CorpusFormatsTest {
    @Test
    void fortunesDropTheirAttribution() {
        String text = "Talkers are no good doers.\n%\nThe best way to predict the future is\nto invent it.\n\t\t-- Alan Kay\n%\n";
        assertEquals(List.of("Talkers are no good doers.", "The best way to predict the future is to invent it."), CorpusFormats.fortunes(text));
    }

    @Test
    void wordnetGivesTheQuotedExamplesOfEachGloss() {
        String text = "  1 This software and database is provided \"AS IS\"\n"
                + "00003553 03 n 02 whole 0 unit 0 015 @ 00002684 n 0000 | an assemblage of parts; \"how big is that part compared to the whole?\"; "
                + "\"the team is a unit\"  \n";
        assertEquals(List.of("How big is that part compared to the whole?", "The team is a unit."), CorpusFormats.wordnetExamples(text));
    }

    @Test
    void gcideGivesIndentedQuotationsWithoutAuthorsAndQuotedExamples(@TempDir Path tmp) throws Exception {
        String text = "Dichotomize \\Di*chot\"o*mize\\, v. t.\n   1. To cut into two parts.\n      [1913 Webster]\n\n"
                + "            The apostolical benediction dichotomizes all good\n            things into grace and peace.          --Bp. Hall.\n"
                + "      [1913 Webster]\n\n   2. (Astron.) To exhibit as a half disk. \"The moon was dichotomized.\" --Whewell.\n";
        Path dz = tmp.resolve("gcide.dict.dz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dz))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(text, CorpusFormats.read(dz));
        assertEquals(List.of("The apostolical benediction dichotomizes all good things into grace and peace.", "The moon was dichotomized."),
                CorpusFormats.gcideQuotations(CorpusFormats.read(dz)));
    }

    @Test
    void proseKeepsCrossReferenceWordsAndDropsTags() {
        String text = "*LISP\n\n   <language> (StarLISP) A {data-parallel} extension of {Common\nLISP} for the machine.  It ran fast.\n\n   (2014-11-27)\n";
        List<String> s = CorpusFormats.prose(text);
        assertTrue(s.contains("It ran fast."), s.toString());
        assertTrue(s.contains("(StarLISP) A data-parallel extension of Common LISP for the machine."), s.toString());
    }

    @Test
    void swordZTextInflatesEachIndexedBlockAndStripsOsis(@TempDir Path tmp) throws Exception {
        String[] blocks = {"<title type=\"main\">Genesis</title><chapter n=\"1\"/><w lemma=\"a\">In</w> <w>the</w> beginning God created the heavens "
                + "and the earth.<note placement=\"foot\">Or, sky.</note> <div type=\"x-p\"/>The earth was formless and empty.",
                "<w>Jesus</w> wept. Then the Jews said, \u201CSee how he loved him!\u201D"};
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer index = ByteBuffer.allocate(12 * 3).order(ByteOrder.LITTLE_ENDIAN);
        index.putInt(0).putInt(0).putInt(0); // an empty slot, as modules have
        for (String b : blocks) {
            byte[] plain = b.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
                d.write(plain);
            }
            index.putInt(data.size()).putInt(z.size()).putInt(plain.length);
            data.write(z.toByteArray());
        }
        Files.write(tmp.resolve("nt.bzs"), index.array());
        Files.write(tmp.resolve("nt.bzz"), data.toByteArray());
        assertEquals(List.of("In the beginning God created the heavens and the earth.", "The earth was formless and empty.", "Jesus wept.",
                "Then the Jews said, \"See how he loved him!\""), CorpusFormats.swordZText(tmp.resolve("nt.bzs")));
    }
}
