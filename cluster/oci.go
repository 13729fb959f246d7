package main

// A daemonless image build: one folder (the image's root filesystem) packed as a single-layer OCI image
// archive that `ctr images import` loads into the node's containerd. Entries are sorted, owned by root and
// stamped with one fixed time, so the same folder always gives the same digest.

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// imageConfig is the part of the OCI image config a container runtime reads.
type imageConfig struct {
	User         string              `json:"User,omitempty"`
	Env          []string            `json:"Env,omitempty"`
	Entrypoint   []string            `json:"Entrypoint,omitempty"`
	Cmd          []string            `json:"Cmd,omitempty"`
	WorkingDir   string              `json:"WorkingDir,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Labels       map[string]string   `json:"Labels,omitempty"`
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *platform         `json:"platform,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

var epoch = time.Unix(0, 0).UTC()

func runOCI(args []string) int {
	fs := flag.NewFlagSet("oci", flag.ContinueOnError)
	rootfs := fs.String("rootfs", "", "folder holding the image's root filesystem")
	configPath := fs.String("config", "", "JSON file with the image config (User, Env, Entrypoint, Cmd, WorkingDir, ExposedPorts)")
	out := fs.String("out", "", "the OCI archive to write")
	var names stringList
	fs.Var(&names, "name", "image name with tag, e.g. docker.io/zdd/catalog:v1 (repeat for several)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rootfs == "" || *configPath == "" || *out == "" || len(names) == 0 {
		fmt.Fprintln(os.Stderr, "oci: --rootfs, --config, --out and at least one --name are required")
		return 2
	}
	if err := packImage(*rootfs, *configPath, *out, names); err != nil {
		fmt.Fprintf(os.Stderr, "oci: %v\n", err)
		return 1
	}
	return 0
}

func packImage(rootfs, configPath, out string, names []string) error {
	raw, err := os.ReadFile(configPath)
	if err != nil {
		return err
	}
	var config imageConfig
	if err := json.Unmarshal(raw, &config); err != nil {
		return fmt.Errorf("%s: %w", configPath, err)
	}
	layer, err := os.CreateTemp(filepath.Dir(out), ".layer-*.tar")
	if err != nil {
		return err
	}
	defer os.Remove(layer.Name())
	defer layer.Close()
	digest := sha256.New()
	size, err := writeLayer(rootfs, io.MultiWriter(layer, digest))
	if err != nil {
		return err
	}
	layerDesc := descriptor{MediaType: "application/vnd.oci.image.layer.v1.tar", Digest: sum(digest), Size: size}

	configBlob, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      epoch.Format(time.RFC3339),
		"config":       config,
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{layerDesc.Digest}},
	})
	if err != nil {
		return err
	}
	configDesc := blobDescriptor("application/vnd.oci.image.config.v1+json", configBlob)
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        configDesc,
		"layers":        []descriptor{layerDesc},
	})
	if err != nil {
		return err
	}
	manifestDesc := blobDescriptor("application/vnd.oci.image.manifest.v1+json", manifest)
	var entries []descriptor
	for _, name := range names {
		d := manifestDesc
		tag := name[strings.LastIndex(name, ":")+1:]
		d.Platform = &platform{Architecture: "amd64", OS: "linux"}
		d.Annotations = map[string]string{"io.containerd.image.name": name, "org.opencontainers.image.ref.name": tag}
		entries = append(entries, d)
	}
	index, err := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries})
	if err != nil {
		return err
	}

	file, err := os.Create(out)
	if err != nil {
		return err
	}
	defer file.Close()
	tw := tar.NewWriter(file)
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := add("index.json", index); err != nil {
		return err
	}
	if err := add(blobPath(configDesc.Digest), configBlob); err != nil {
		return err
	}
	if err := add(blobPath(manifestDesc.Digest), manifest); err != nil {
		return err
	}
	if _, err := layer.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: blobPath(layerDesc.Digest), Mode: 0o644, Size: size, ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, layer); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return file.Close()
}

func blobPath(digest string) string { return "blobs/sha256/" + strings.TrimPrefix(digest, "sha256:") }

func sum(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

func blobDescriptor(mediaType string, blob []byte) descriptor {
	h := sha256.Sum256(blob)
	return descriptor{MediaType: mediaType, Digest: "sha256:" + hex.EncodeToString(h[:]), Size: int64(len(blob))}
}

// writeLayer tars the folder: every entry owned by root (the service can read its files, not change them),
// modes kept, symlinks kept as links.
func writeLayer(root string, w io.Writer) (int64, error) {
	counter := &countingWriter{w: w}
	tw := tar.NewWriter(counter)
	var paths []string
	err := filepath.WalkDir(root, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sort.Strings(paths)
	for _, path := range paths {
		info, err := os.Lstat(path)
		if err != nil {
			return 0, err
		}
		rel, _ := filepath.Rel(root, path)
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return 0, err
			}
		}
		header, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return 0, err
		}
		header.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			header.Name += "/"
		}
		header.Uid, header.Gid, header.Uname, header.Gname = 0, 0, "", ""
		header.ModTime, header.AccessTime, header.ChangeTime = epoch, time.Time{}, time.Time{}
		header.Format = tar.FormatPAX
		if err := tw.WriteHeader(header); err != nil {
			return 0, err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return 0, err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return 0, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	return counter.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
