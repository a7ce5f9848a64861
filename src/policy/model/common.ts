// Shapes shared by every kind's document (schemas/common.schema.json).

export interface Label {
  zh: string;
  en: string;
}

export interface DocumentHeader {
  kind: string;
  schemaVersion: 1;
  title: Label;
  source?: string;
}
