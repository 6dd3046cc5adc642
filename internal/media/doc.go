// Package media reads and writes the little of the MP4 (ISO BMFF) format the
// project needs: the duration and video size of a file, which the gateway's
// upload call wants as metadata, and tiny valid MP4 files for the simulator
// and the demo. Standard library only.
package media
