package io.rrs.data.hearing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Scope: reading the text formats of the Debian corpus packages into candidate sentences (cleaned,
 * not yet filtered by {@link PlainSentences#isPlain}): fortune files, WordNet data files' example
 * phrases, GCIDE's quotations, prose (FOLDOC, the Jargon File) and SWORD zText Bible modules.
 */
public final class CorpusFormats {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    private static final Pattern BRACES = Pattern.compile("[{}]");
    private static final Pattern ANGLE_TAG = Pattern.compile("<[^>]*>");
    private static final Pattern AUTHOR_TAIL = Pattern.compile("\\s--\\s?[A-Z].*$");

    private CorpusFormats() {}

    /** A file's text: gzip (and dictzip, which is gzip) when it ends in .gz or .dz, else plain; UTF-8, bad bytes replaced. */
    public static String read(Path file) throws IOException {
        String name = file.getFileName().toString();
        byte[] bytes;
        if (name.endsWith(".gz") || name.endsWith(".dz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                bytes = in.readAllBytes();
            }
        } else {
            bytes = Files.readAllBytes(file);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A fortune file: fortunes separated by lines holding only "%"; an attribution ("-- Author") ends a fortune's text. */
    public static List<String> fortunes(String text) {
        List<String> out = new ArrayList<>();
        for (String fortune : text.split("(?m)^%\\s*$")) {
            StringBuilder body = new StringBuilder();
            for (String line : fortune.split("\n")) {
                if (line.strip().startsWith("--") || line.strip().startsWith("\u2014")) break;
                body.append(line).append(' ');
            }
            out.addAll(PlainSentences.split(body.toString()));
        }
        return out;
    }

    /** A WordNet data file (data.noun, ...): the double-quoted example phrases of each gloss, as sentences. */
    public static List<String> wordnetExamples(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == ' ') continue; // the licence header
            int gloss = line.indexOf(" | ");
            if (gloss < 0) continue;
            Matcher m = QUOTED.matcher(line.substring(gloss + 3));
            while (m.find()) out.add(PlainSentences.asSentence(m.group(1)));
        }
        return out;
    }

    /**
     * GCIDE's dictd text: the indented quotation blocks (12 or more spaces, up to the "--Author"
     * line or a blank line) and the double-quoted usage examples in definitions.
     */
    public static List<String> gcideQuotations(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder block = new StringBuilder();
        for (String line : text.split("\n")) {
            boolean quotation = line.startsWith("            ") && !line.strip().startsWith("--") && !line.strip().startsWith("[");
            if (quotation) {
                block.append(line.strip()).append(' ');
                if (AUTHOR_TAIL.matcher(line).find()) {
                    out.addAll(PlainSentences.split(AUTHOR_TAIL.matcher(block.toString().strip()).replaceAll("")));
                    block.setLength(0);
                }
                continue;
            }
            if (!block.isEmpty()) {
                out.addAll(PlainSentences.split(block.toString()));
                block.setLength(0);
            }
            Matcher m = QUOTED.matcher(line);
            while (m.find()) {
                String q = PlainSentences.clean(m.group(1));
                if (!q.isEmpty() && Character.isUpperCase(q.charAt(0))) out.add(q);
            }
        }
        if (!block.isEmpty()) out.addAll(PlainSentences.split(block.toString()));
        return out;
    }

    /**
     * Prose (FOLDOC's dictd text, the Jargon File): paragraphs separated by blank lines, cut into
     * sentences; cross-reference braces ("{Jargon File}") keep their words, tags ("&lt;language&gt;") go.
     */
    public static List<String> prose(String text) {
        List<String> out = new ArrayList<>();
        for (String paragraph : text.split("\n\\s*\n")) {
            String p = ANGLE_TAG.matcher(BRACES.matcher(paragraph).replaceAll("")).replaceAll(" ");
            out.addAll(PlainSentences.split(p));
        }
        return out;
    }

    /**
     * One testament of a SWORD zText module (e.g. the World English Bible), given its block index
     * {@code <t>.bzs} (12 bytes per block: offset, size, uncompressed size, little-endian): the zlib
     * blocks are inflated from {@code <t>.bzz} beside it, OSIS notes and titles dropped, other markup
     * removed, and the running text cut into sentences.
     */
    public static List<String> swordZText(Path blockIndex) throws IOException {
        List<String> out = new ArrayList<>();
        String name = blockIndex.getFileName().toString();
        Path dataFile = blockIndex.resolveSibling(name.substring(0, name.length() - 4) + ".bzz");
        ByteBuffer blocks = ByteBuffer.wrap(Files.readAllBytes(blockIndex)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] data = Files.readAllBytes(dataFile);
        while (blocks.remaining() >= 12) {
            long offset = Integer.toUnsignedLong(blocks.getInt());
            int size = blocks.getInt();
            int plainSize = blocks.getInt();
            if (size == 0) continue;
            if (offset + size > data.length) throw new IOException(blockIndex + " lists a block past the end of " + dataFile + "; reinstall the module's package");
            out.addAll(PlainSentences.split(osisText(inflate(data, (int) offset, size, plainSize, dataFile))));
        }
        return out;
    }

    static String osisText(String osis) {
        String s = osis.replaceAll("(?s)<note\\b[^>]*>.*?</note>", " ").replaceAll("(?s)<title\\b[^>]*>.*?</title>", " ");
        s = s.replaceAll("</?w\\b[^>]*>", "");
        return ANGLE_TAG.matcher(s).replaceAll(" ");
    }

    private static String inflate(byte[] data, int offset, int size, int plainSize, Path module) throws IOException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, size);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(plainSize, 1024));
            byte[] buf = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IOException(module + ": a block at offset " + offset + " is not zlib data (" + e.getMessage() + "); reinstall the module's package", e);
        } finally {
            inflater.end();
        }
    }
}
