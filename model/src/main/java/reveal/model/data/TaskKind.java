package reveal.model.data;

import java.util.Locale;

/** The three task shapes of the paper: natural language inference, claim verification, multiple choice. */
public enum TaskKind {
    NLI, CLAIM, CHOICE;

    /** Parses the command-line spelling {@code nli|claim|choice} (any case). */
    public static TaskKind parse(String name) {
        for (TaskKind k : values()) if (k.name().equalsIgnoreCase(name.trim())) return k;
        throw new IllegalArgumentException("unknown task kind '" + name + "'; expected nli, claim or choice");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
