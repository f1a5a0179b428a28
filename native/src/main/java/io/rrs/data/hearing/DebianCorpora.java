package io.rrs.data.hearing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Scope: the Debian packages the hearing sentences come from, which of their installed files are
 * read, with which {@link CorpusFormats} reader, and their licences. A package's files are those dpkg
 * lists for it ({@code /var/lib/dpkg/info/<package>.list}), so a missing package is reported with the
 * command that installs it.
 */
public final class DebianCorpora {
    /** Where dpkg lists each installed package's files. */
    public static final Path DPKG_INFO = Path.of("/var/lib/dpkg/info");

    /** Reads one package file into candidate sentences. */
    @FunctionalInterface
    public interface Reader {
        List<String> candidates(Path file) throws IOException;
    }

    /** One corpus package: its name, which of its files are read and how, and its licence (from its Debian copyright file). */
    public record Source(String packageName, String component, String what, String licence, Predicate<Path> reads, Reader reader) {
        /** The candidate sentences of every file of this source among {@code files}, in file-name order. */
        public List<String> candidates(List<Path> files) throws IOException {
            List<String> out = new ArrayList<>();
            for (Path f : files.stream().filter(f -> Files.isRegularFile(f) && !Files.isSymbolicLink(f) && reads.test(f)).sorted().toList()) {
                out.addAll(reader.candidates(f));
            }
            return out;
        }
    }

    private static boolean under(Path f, String dir) {
        return f.toString().startsWith(dir);
    }

    private static String name(Path f) {
        return f.getFileName().toString();
    }

    private static final Predicate<Path> FORTUNE_FILE = f -> under(f, "/usr/share/games/fortunes/") && !name(f).contains(".");

    /** Every source, in the order that decides which source keeps a sentence two of them hold. */
    public static final List<Source> ALL = List.of(
            new Source("fortunes-min", "main", "fortune cookies (fortunes, literature, riddles)", "BSD-4-clause program; the collected sayings as distributed by Debian",
                    FORTUNE_FILE, f -> CorpusFormats.fortunes(CorpusFormats.read(f))),
            new Source("fortunes", "main", "fortune cookies (about 40 topic files; not the offensive set)", "BSD-4-clause program; the collected sayings as distributed by Debian",
                    FORTUNE_FILE, f -> CorpusFormats.fortunes(CorpusFormats.read(f))),
            new Source("wordnet-base", "main", "WordNet 3.0 example phrases (data.noun/verb/adj/adv)", "WordNet 3.0 licence (Princeton; BSD-like, free to use, copy and distribute)",
                    f -> under(f, "/usr/share/wordnet/data."), f -> CorpusFormats.wordnetExamples(CorpusFormats.read(f))),
            new Source("dict-gcide", "main", "GCIDE (Webster's 1913 and later) quotations and usage examples", "GPL-2.0+",
                    f -> name(f).equals("gcide.dict.dz"), f -> CorpusFormats.gcideQuotations(CorpusFormats.read(f))),
            new Source("dict-foldoc", "main", "the Free On-line Dictionary of Computing's definitions", "GFDL-1.1+ (FOLDOC)",
                    f -> name(f).equals("foldoc.dict.dz"), f -> CorpusFormats.prose(CorpusFormats.read(f))),
            new Source("sword-text-web", "main", "the World English Bible (SWORD module engWEB2015eb)", "public domain (the World English Bible)",
                    f -> name(f).endsWith(".bzs"), CorpusFormats::swordZText),
            new Source("jargon-text", "main", "the Jargon File 4.4.7 (text)", "public domain (Jargon File 4.4.7, Eric S. Raymond)",
                    f -> name(f).equals("jargon.txt.gz"), f -> CorpusFormats.prose(CorpusFormats.read(f))));

    private DebianCorpora() {}

    /** The source named {@code packageName}. */
    public static Source source(String packageName) {
        for (Source s : ALL) if (s.packageName().equals(packageName)) return s;
        throw new IllegalArgumentException("no hearing-sentence source '" + packageName + "'; known: " + ALL.stream().map(Source::packageName).toList());
    }

    /** The files dpkg lists for an installed package; fails naming the apt-get command when it is not installed. */
    public static List<Path> installedFiles(String packageName) throws IOException {
        Path list = DPKG_INFO.resolve(packageName + ".list");
        if (!Files.isRegularFile(list)) list = DPKG_INFO.resolve(packageName + ":all.list");
        if (!Files.isRegularFile(list)) {
            throw new IOException("the corpus package " + packageName + " is not installed; install it with 'apt-get install " + packageName
                    + "' (data/install-voices.sh installs every corpus package), or leave it out with --sources");
        }
        return Files.readAllLines(list).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
    }
}
