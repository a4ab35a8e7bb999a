package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/web.css
var stylesheet []byte

// pageNames are the page templates; each defines "title" and "main", which the
// layout (templates/layout.html) places.
var pageNames = []string{"connect", "connected", "notice"}

// pages holds the parsed templates, one set per page: the layout and that page.
type pages struct {
	byName map[string]*template.Template
}

// loadPages parses the layout with each page.
func loadPages() (*pages, error) {
	layout, err := template.ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parsing the layout: %w", err)
	}
	p := &pages{byName: make(map[string]*template.Template, len(pageNames))}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parsing page %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what the layout renders: the stylesheet's address, relative to the
// page (so the pages work under a path prefix a proxy strips), and the page's
// own data.
type view struct {
	CSS  string
	Page any
}

// render answers status with the page name filled with data. The page is
// rendered whole before anything is written; a template that fails is answered
// 500 with no detail.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	err := s.pages.byName[name].ExecuteTemplate(&buf, "layout.html", view{CSS: stylesheetHref(r.URL.Path), Page: data})
	if err != nil {
		s.log.Error("web: rendering a page", "page", name, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// stylesheetHref is the address of the stylesheet relative to the page at path.
func stylesheetHref(path string) string {
	depth := strings.Count(strings.TrimPrefix(path, "/"), "/")
	return strings.Repeat("../", depth) + "static/web.css"
}

// stylesheet serves /static/web.css.
func (s *Server) stylesheet(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.methodNotAllowed(w, r, "GET, HEAD")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(stylesheet)))
	_, _ = w.Write(stylesheet)
}
