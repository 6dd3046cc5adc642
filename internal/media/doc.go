// Package media reads and writes the media files the project handles.
//
// Reading: Sniff tells a file's format from its first bytes (MP4/MOV,
// WebM/Matroska, PNG, JPEG, GIF, WebP) and Probe reads its duration and
// displayed size — fragmented MP4 (mehd, or the fragments' sample
// durations), rotated tracks (the tkhd matrix), WebM/Matroska (Segment Info
// and Tracks), WebP (VP8, VP8L, VP8X) — and tells a file it does not know
// (ErrUnknownFormat) from a broken one (*CorruptError). ParseMP4Info is the
// lenient MP4 reader the simulator uses for upload metadata.
//
// Writing: VideoMP4 makes real, playable H.264 MP4 files (ffmpeg decodes
// them, web browsers play them) whose frames show what they stand for (the
// simulator's artifacts, the demo clip). Its encoder (h264*.go) is a small
// Constrained Baseline one: grayscale I_16x16 macroblocks with DC
// prediction and CAVLC residuals, and skipped macroblocks, no deblocking;
// it reconstructs every picture as decoders do, which a test checks byte
// for byte against ffmpeg. MinimalMP4 makes header-only MP4s for reader
// tests.
//
// The corpus under testdata/corpus (made by its make.sh with ffmpeg) pins
// the readers to what ffprobe says of real files.
package media
