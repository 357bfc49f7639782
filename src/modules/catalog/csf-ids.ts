// NIST CSF 2.0 subcategory ids (facts, public domain), grouped by category. Numbers missing inside a
// category were withdrawn before CSF 2.0 was released, so the gaps are deliberate.
// Embedded so the loader needs no file at runtime; shipped-catalogs.test.ts holds this list to the reference data.

export const CSF_SUBCATEGORY_IDS = [
  'GV.OC-01', 'GV.OC-02', 'GV.OC-03', 'GV.OC-04', 'GV.OC-05',
  'GV.RM-01', 'GV.RM-02', 'GV.RM-03', 'GV.RM-04', 'GV.RM-05', 'GV.RM-06', 'GV.RM-07',
  'GV.RR-01', 'GV.RR-02', 'GV.RR-03', 'GV.RR-04',
  'GV.PO-01', 'GV.PO-02',
  'GV.OV-01', 'GV.OV-02', 'GV.OV-03',
  'GV.SC-01', 'GV.SC-02', 'GV.SC-03', 'GV.SC-04', 'GV.SC-05', 'GV.SC-06', 'GV.SC-07', 'GV.SC-08', 'GV.SC-09', 'GV.SC-10',
  'ID.AM-01', 'ID.AM-02', 'ID.AM-03', 'ID.AM-04', 'ID.AM-05', 'ID.AM-07', 'ID.AM-08',
  'ID.RA-01', 'ID.RA-02', 'ID.RA-03', 'ID.RA-04', 'ID.RA-05', 'ID.RA-06', 'ID.RA-07', 'ID.RA-08', 'ID.RA-09', 'ID.RA-10',
  'ID.IM-01', 'ID.IM-02', 'ID.IM-03', 'ID.IM-04',
  'PR.AA-01', 'PR.AA-02', 'PR.AA-03', 'PR.AA-04', 'PR.AA-05', 'PR.AA-06',
  'PR.AT-01', 'PR.AT-02',
  'PR.DS-01', 'PR.DS-02', 'PR.DS-10', 'PR.DS-11',
  'PR.PS-01', 'PR.PS-02', 'PR.PS-03', 'PR.PS-04', 'PR.PS-05', 'PR.PS-06',
  'PR.IR-01', 'PR.IR-02', 'PR.IR-03', 'PR.IR-04',
  'DE.CM-01', 'DE.CM-02', 'DE.CM-03', 'DE.CM-06', 'DE.CM-09',
  'DE.AE-02', 'DE.AE-03', 'DE.AE-04', 'DE.AE-06', 'DE.AE-07', 'DE.AE-08',
  'RS.MA-01', 'RS.MA-02', 'RS.MA-03', 'RS.MA-04', 'RS.MA-05',
  'RS.AN-03', 'RS.AN-06', 'RS.AN-07', 'RS.AN-08',
  'RS.CO-02', 'RS.CO-03',
  'RS.MI-01', 'RS.MI-02',
  'RC.RP-01', 'RC.RP-02', 'RC.RP-03', 'RC.RP-04', 'RC.RP-05', 'RC.RP-06',
  'RC.CO-03', 'RC.CO-04',
] as const

export type CsfSubcategoryId = (typeof CSF_SUBCATEGORY_IDS)[number]

const known: ReadonlySet<string> = new Set(CSF_SUBCATEGORY_IDS)

export function isCsfSubcategoryId(ref: string): ref is CsfSubcategoryId {
  return known.has(ref)
}
