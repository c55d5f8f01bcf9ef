-- 4: listing names and descriptions in other languages.

CREATE TABLE "service_translations" (
   "service_id" TEXT,
   "language" TEXT,
   "name" TEXT,
   "description" TEXT,
   "updated_at" TEXT,
   PRIMARY KEY ("service_id", "language")
);
