/**
 * Partial schemas of Gemini's GenerateContentResponse and error body (ai.google.dev/api/generate-content,
 * ai.google.dev/gemini-api/docs/troubleshooting): only the fields the adapter reads. Request types are
 * plain TypeScript (ai.google.dev/api/caching#Content).
 */
import { z } from 'zod';

export const geminiUsageSchema = z.object({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

const partSchema = z.object({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.object({ name: z.string(), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() }).optional(),
});
export type GeminiResponsePart = z.infer<typeof partSchema>;

const candidateSchema = z.object({
  content: z.object({ parts: z.array(partSchema).optional() }).optional(),
  finishReason: z.string().optional(),
  index: z.number().optional(),
});
export type GeminiCandidate = z.infer<typeof candidateSchema>;

export const geminiResponseSchema = z.object({
  candidates: z.array(candidateSchema).optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  // Unreadable usage is missing usage (the gateway estimates), not a broken answer.
  usageMetadata: geminiUsageSchema.optional().catch(undefined),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/** Lenient: a wrong-typed field is dropped, so a half-valid error still yields its message and reason. */
const errorDetailSchema = z.object({ reason: z.string().optional().catch(undefined), retryDelay: z.string().optional().catch(undefined) });
export const geminiErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional().catch(undefined),
    message: z.string().optional().catch(undefined),
    status: z.string().optional().catch(undefined),
    details: z.array(errorDetailSchema.nullable().catch(null)).optional().catch(undefined),
  }),
});
export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;

export type GeminiPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: { name: string; args: Record<string, unknown> } }
  | { functionResponse: { name: string; response: Record<string, unknown> } };

export type GeminiContent = { role: 'user' | 'model'; parts: GeminiPart[] };

export type GeminiFunctionDeclaration = { name: string; description?: string; parameters?: Record<string, unknown> };

export type GeminiToolConfig = {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
};
