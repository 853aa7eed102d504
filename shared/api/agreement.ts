import { agreementOptionsSchema } from '../agreement/options.ts';
import { agreementReportSchema } from '../agreement/report.ts';
import { jsonResponse, routeContract, TOKEN_ACCESS } from './contract.ts';

/** Inter-annotator agreement over what the store holds (docs/agreement.md); `margin agreement` prints the same report. */
export const AGREEMENT_API = {
  report: routeContract({
    id: 'agreement.report',
    method: 'GET',
    path: '/api/v1/agreement',
    access: TOKEN_ACCESS,
    summary:
      "Krippendorff's α (95% bootstrap interval), Fleiss' and Cohen's κ and percent agreement per question, over responses rated by two or more annotators.",
    query: agreementOptionsSchema,
    names: { query: 'agreement query' },
    response: jsonResponse(agreementReportSchema),
  }),
} as const;
