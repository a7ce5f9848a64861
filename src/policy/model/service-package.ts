// The service-package document (schemas/service-package.schema.json).
import type { DocumentHeader, Label } from './common.ts';

export interface ServicePackageDoc extends DocumentHeader {
  kind: 'service-package';
  packages: Record<string, { label: Label; classes: string[]; services: { id: string; label: Label }[] }>;
}
