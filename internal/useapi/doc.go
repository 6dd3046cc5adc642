// Package useapi is a client for the Runway API of the useapi.net gateway
// (https://api.useapi.net/v1/runwayml). It knows nothing of Terraform: the
// provider maps between its types and Terraform's.
//
// The client is built around what generations cost:
//
//   - Create calls validate their request first (Validate), so input the
//     gateway would reject never makes a round trip.
//   - A create is resubmitted only after HTTP 429, which proves nothing was
//     created; the client then waits for account capacity until the
//     context ends. When a create or upload may have taken effect without
//     a usable answer (connection lost after sending, a 2xx without a
//     taskId, a 408 or 5xx: transport.CreateOutcomeUnknown), the error
//     is, or wraps, a *transport.OutcomeUnknownError, the one type that
//     means this (the *APIError or *DecodeError describing the answer is
//     its cause), and IsOutcomeUnknown reports it, so the caller can say
//     so instead of paying twice.
//   - WaitForTask polls adaptively, and on cancellation returns the last
//     status seen so no task id or status is lost.
//   - Answers are decoded leniently: fields that change shape between task
//     types or over time stay raw JSON behind accessors, numbers may arrive
//     as strings (FlexNumber), and malformed answers become *DecodeError,
//     never a panic.
//
// Errors from the gateway are *APIError, whose Message quotes the gateway
// and whose Hint says what the user can do.
package useapi
