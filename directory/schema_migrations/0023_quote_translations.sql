-- 23: translations of residents' quotes, for a lead who does not read the language a quote was written in. Kept by
-- the quote's (already redacted) words and the language translated into, so a quote shown in several places has
-- one translation; always shown marked as a translation, beside the resident's own words.

CREATE TABLE IF NOT EXISTS "quote_translations" (
   "quote" TEXT NOT NULL,
   "language" TEXT NOT NULL,
   "text" TEXT NOT NULL,
   "created_at" TEXT,
   PRIMARY KEY ("quote", "language")
);
