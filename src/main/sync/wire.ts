/**
 * The server bodies the desktop reads: the shared schemas of src/shared/api.ts under the names
 * the sync code uses, plus the sync headers as axios reports them (lower case).
 */
import {
  ACK_HEADER as ACK,
  ApiErrorItem,
  ApiErrorResponse,
  ConflictResponse,
  DeletedObservations,
  Indicator,
  IndicatorDocument,
  MediaResponse,
  Observation,
  REMAINING_HEADER as REMAINING,
  SYNC_TOKEN_HEADER,
} from '../../shared/api';

export const WireIndicator = Indicator;
export type WireIndicator = Indicator;
export const WireDocument = IndicatorDocument;
export type WireDocument = IndicatorDocument;
export const WireObservation = Observation;
export type WireObservation = Observation;
export const PushErrorItem = ApiErrorItem;
export const ApiErrorBody = ApiErrorResponse;
export const ConflictBody = ConflictResponse;
export const MediaBody = MediaResponse;
export const WireDeleted = DeletedObservations;

export const ACK_HEADER = ACK;
export const TOKEN_HEADER = SYNC_TOKEN_HEADER.toLowerCase();
export const REMAINING_HEADER = REMAINING.toLowerCase();
