package io.rrs.data.hearing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scope: what counts as a plain English sentence for the hearing corpus, and how prose is cut into
 * sentences. A plain sentence is {@value #MIN_WORDS}-{@value #MAX_WORDS} words of ASCII letters with
 * ordinary punctuation only (no digits, brackets, slashes or markup, which synthesisers read in
 * engine-specific ways), starts with a capital letter, ends with . ! or ?, and is not shouted (most
 * words upper case). Typographic quotes and dashes are first mapped to ASCII.
 */
public final class PlainSentences {
    public static final int MIN_WORDS = 4;
    public static final int MAX_WORDS = 25;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z ,.;:!?'\"-]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** A sentence ends at . ! or ? (optionally followed by a closing quote) before a space and a capital or opening quote. */
    private static final Pattern BOUNDARY = Pattern.compile("(?<=[.!?][\"']?)\\s+(?=[\"']?[A-Z])");
    /** Words after which a full stop does not end a sentence. */
    private static final Set<String> ABBREVIATIONS = Set.of("mr.", "mrs.", "ms.", "dr.", "st.", "prof.", "sr.", "jr.", "vs.", "etc.",
            "e.g.", "i.e.", "cf.", "viz.", "no.", "vol.", "fig.", "gen.", "col.", "capt.", "rev.", "mt.", "lt.", "sgt.", "inc.", "co.", "ltd.");

    private PlainSentences() {}

    /** Typographic quotes, dashes and ellipses as ASCII; runs of white space as one space; trimmed. */
    public static String clean(String text) {
        String s = text.replace('\u2018', '\'').replace('\u2019', '\'').replace('\u201C', '"').replace('\u201D', '"')
                .replace("\u2014", " - ").replace('\u2013', '-').replace("\u2026", "...").replace('\u00A0', ' ').replace("``", "\"").replace("''", "\"");
        return SPACES.matcher(s).replaceAll(" ").strip();
    }

    /** The sentences of a prose paragraph (cleaned, in order); abbreviations and initials do not end one. */
    public static List<String> split(String paragraph) {
        String text = clean(paragraph);
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String piece : BOUNDARY.split(text)) {
            if (!pending.isEmpty()) pending.append(' ');
            pending.append(piece);
            if (!endsInAbbreviation(piece)) {
                out.add(pending.toString());
                pending.setLength(0);
            }
        }
        if (!pending.isEmpty()) out.add(pending.toString());
        return out;
    }

    private static boolean endsInAbbreviation(String piece) {
        int space = piece.lastIndexOf(' ');
        String last = piece.substring(space + 1).toLowerCase(java.util.Locale.ROOT);
        return ABBREVIATIONS.contains(last) || last.matches("[a-z]\\.") || last.matches("([a-z]\\.){2,}");
    }

    /** The number of words (space-separated tokens holding a letter). */
    public static int words(String sentence) {
        int n = 0;
        for (String w : sentence.split(" ")) if (w.chars().anyMatch(Character::isLetter)) n++;
        return n;
    }

    /** Whether a cleaned sentence is plain English of the accepted length, by the rules above. */
    public static boolean isPlain(String sentence) {
        if (!ALLOWED.matcher(sentence).matches()) return false;
        if (!Character.isUpperCase(sentence.charAt(0))) return false;
        char last = sentence.charAt(sentence.length() - 1);
        if (last == '"' || last == '\'') last = sentence.length() > 1 ? sentence.charAt(sentence.length() - 2) : last;
        if (last != '.' && last != '!' && last != '?') return false;
        if (sentence.endsWith("...") || sentence.contains("--") || sentence.contains(" - ") && sentence.indexOf(" - ") != sentence.lastIndexOf(" - ")) return false;
        if (sentence.chars().filter(c -> c == '"').count() % 2 != 0) return false;
        int n = words(sentence);
        if (n < MIN_WORDS || n > MAX_WORDS) return false;
        int shouted = 0;
        for (String w : sentence.split(" ")) {
            String letters = w.replaceAll("[^A-Za-z]", "");
            if (letters.length() > 1 && letters.equals(letters.toUpperCase(java.util.Locale.ROOT))) shouted++;
        }
        return shouted * 2 < n;
    }

    /**
     * A short example phrase (e.g. WordNet's "the team is a unit") as a sentence: cleaned, first
     * letter capitalised, a full stop added when it has no end punctuation.
     */
    public static String asSentence(String phrase) {
        String s = clean(phrase);
        if (s.isEmpty()) return s;
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        char last = s.charAt(s.length() - 1);
        return last == '.' || last == '!' || last == '?' ? s : s + ".";
    }
}
