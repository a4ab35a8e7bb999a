package emulator

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// maxBody is the largest request body accepted; a larger one is answered 413.
const maxBody = 1 << 20

const (
	pathClients = "/contact-companies/clients"
	pathCompany = "/contact-companies"
)

// plan is what the Server decided about a request when it arrived.
type plan struct {
	latency          time.Duration
	drop             bool
	failStatus       int
	retryAfter       time.Duration
	token            tokenState
	sees             map[string]bool // the workspaces the token sees; nil: every one
	pageSize         int
	pageShift        int
	createdAtObject  bool
	validationStatus int
}

// seesWorkspace reports whether the request's token may see the workspace slug: a
// workspace it is not a member of answers as one that does not exist, as GitScrum
// tells nobody which workspaces exist.
func (p plan) seesWorkspace(slug string) bool {
	return p.sees == nil || p.sees[slug]
}

// ServeHTTP answers one request of the GitScrum clients API. See the package
// documentation for the order of the steps.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, tooLarge := readBody(w, r)
	entry, p := s.arrive(r, body)
	status := s.serve(w, r, p, body, tooLarge)
	s.setStatus(entry, status)
}

// readBody reads the request body up to maxBody, and reports whether it was longer.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Body == nil {
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	return body, errors.As(err, &tooBig)
}

// arrive logs the request and decides, under one lock, everything that depends on the
// Server's configuration.
func (s *Server) arrive(r *http.Request, body []byte) (*Request, plan) {
	entry := &Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
	}
	token, hasToken := bearerToken(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.appendLogLocked(entry)
	p := plan{
		latency:          s.latency,
		pageSize:         s.pageSize,
		pageShift:        min(s.pageShift, s.pageSize),
		createdAtObject:  s.createdAtObject,
		validationStatus: s.validationStatus,
	}
	if s.latencyFunc != nil {
		p.latency = s.latencyFunc()
	}
	if hasToken {
		p.token = s.tokens[token]
		p.sees = s.tokenWorkspaces[token]
	}
	s.chooseFailureLocked(&p, listPage(r))
	return entry, p
}

// listPage returns the page a list request asks for (1 when it names none, or one
// below 1), or 0 when r is not a list request.
func listPage(r *http.Request) int {
	if r.URL.Path != pathClients || !isRead(r.Method) {
		return 0
	}
	return pageNumber(r.URL.Query())
}

// pageNumber reads ?page=N: 1 when it is missing, invalid or below 1.
func pageNumber(q url.Values) int {
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		return n
	}
	return 1
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// serve answers the request and returns the status answered, or 0 for none.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, p plan, body []byte, tooLarge bool) int {
	if !wait(r.Context(), p.latency) {
		return 0
	}
	switch {
	case p.drop:
		drop(w)
		return 0
	case p.failStatus != 0:
		return writeFailure(w, p.failStatus, p.retryAfter)
	case tooLarge:
		return writeError(w, http.StatusRequestEntityTooLarge, "The request body is too large.", "")
	}
	switch p.token {
	case tokenUnknown:
		return writeError(w, http.StatusUnauthorized, "Unauthenticated.", "")
	case tokenExpired:
		return writeError(w, http.StatusUnauthorized, "Token has expired.", gitscrum.ErrorCodeTokenExpired)
	}
	return s.route(w, r, p, body)
}

// route dispatches on path and method.
func (s *Server) route(w http.ResponseWriter, r *http.Request, p plan, body []byte) int {
	path := r.URL.Path
	switch {
	case path == pathClients:
		if isRead(r.Method) {
			return s.list(w, r, p)
		}
		return notAllowed(w, r.Method, path, "GET, HEAD")
	case path == pathCompany:
		if r.Method == http.MethodPost {
			return s.create(w, p, body)
		}
		return notAllowed(w, r.Method, path, "POST")
	case strings.HasPrefix(path, pathCompany+"/"):
		id := path[len(pathCompany)+1:]
		if id == "" || strings.Contains(id, "/") {
			break
		}
		switch {
		case isRead(r.Method):
			return s.get(w, r, p, id)
		case r.Method == http.MethodPut:
			return s.update(w, p, id, body)
		}
		return notAllowed(w, r.Method, path, "GET, HEAD, PUT")
	}
	return writeError(w, http.StatusNotFound, "Not found.", "")
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// notAllowed answers 405 as Laravel words it.
func notAllowed(w http.ResponseWriter, method, path, allow string) int {
	w.Header().Set("Allow", allow)
	msg := "The " + method + " method is not supported for route " + strings.TrimPrefix(path, "/") +
		". Supported methods: " + allow + "."
	return writeError(w, http.StatusMethodNotAllowed, msg, "")
}

// invalid answers a validation failure with the configured status.
func invalid(w http.ResponseWriter, p plan, errs *fieldErrors) int {
	body := errorBody{Message: errs.message(), Errors: errs.fields}
	if p.validationStatus == http.StatusConflict {
		body.ErrorCode = gitscrum.ErrorCodeValidationFailed
	}
	return writeJSON(w, p.validationStatus, body)
}

func workspaceNotFound(w http.ResponseWriter) int {
	return writeError(w, http.StatusNotFound, "Workspace not found.", "WORKSPACE_NOT_FOUND")
}

func clientNotFound(w http.ResponseWriter) int {
	return writeError(w, http.StatusNotFound, "Client not found.", "CLIENT_NOT_FOUND")
}

func forbidden(w http.ResponseWriter) int {
	return writeError(w, http.StatusForbidden, "This action is unauthorized.", "FORBIDDEN")
}

// querySlug returns company_slug from the query, or answers a validation failure.
func querySlug(w http.ResponseWriter, p plan, q url.Values) (string, int) {
	slug := q.Get("company_slug")
	if strings.TrimSpace(slug) == "" {
		var errs fieldErrors
		errs.add("company_slug", msgRequired("company_slug"))
		return "", invalid(w, p, &errs)
	}
	return slug, 0
}

func (s *Server) encoder(p plan) encoder {
	return encoder{createdAtObject: p.createdAtObject, now: s.now().UTC()}
}

// list answers GET /contact-companies/clients.
func (s *Server) list(w http.ResponseWriter, r *http.Request, p plan) int {
	q := r.URL.Query()
	slug, status := querySlug(w, p, q)
	if status != 0 {
		return status
	}
	page := pageNumber(q)

	s.dataMu.RLock()
	ws := s.workspaces[slug]
	if ws == nil || !p.seesWorkspace(slug) {
		s.dataMu.RUnlock()
		return workspaceNotFound(w)
	}
	total := len(ws.clients)
	last := 1
	var items []gitscrum.ClientCompany
	switch {
	case p.pageSize == 0:
		items = append([]gitscrum.ClientCompany(nil), ws.clients...)
	default:
		stored, shift := total, 0
		if page > 1 {
			// SetPageShift: shift clients were added ahead of this page; they count,
			// and push the stored ones back.
			shift = p.pageShift
			total += shift
		}
		last = max((total+p.pageSize-1)/p.pageSize, 1)
		if page <= last {
			start := (page-1)*p.pageSize - shift
			end := min(start+p.pageSize, stored)
			if start < end {
				items = append([]gitscrum.ClientCompany(nil), ws.clients[start:end]...)
			}
		}
	}
	s.dataMu.RUnlock()

	resp := dataBody{Data: s.encoder(p).clients(items)}
	if p.pageSize > 0 {
		resp.Meta = &pageMeta{Total: total, PerPage: p.pageSize, CurrentPage: page, LastPage: last}
		resp.Links = links(r, slug, page, last)
	}
	return writeJSON(w, http.StatusOK, resp)
}

// links returns the Laravel-style page links of a list.
func links(r *http.Request, slug string, page, last int) *pageLinks {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host + pathClients + "?company_slug=" + url.QueryEscape(slug) + "&page="
	at := func(n int) *string {
		u := base + strconv.Itoa(n)
		return &u
	}
	l := &pageLinks{First: *at(1), Last: *at(last)}
	if page > 1 {
		l.Prev = at(min(page-1, last))
	}
	if page < last {
		l.Next = at(page + 1)
	}
	return l
}

// get answers GET /contact-companies/{uuid}.
func (s *Server) get(w http.ResponseWriter, r *http.Request, p plan, id string) int {
	slug, status := querySlug(w, p, r.URL.Query())
	if status != 0 {
		return status
	}
	s.dataMu.RLock()
	ws := s.workspaces[slug]
	if ws == nil || !p.seesWorkspace(slug) {
		s.dataMu.RUnlock()
		return workspaceNotFound(w)
	}
	i, ok := ws.index[id]
	var c gitscrum.ClientCompany
	if ok {
		c = ws.clients[i]
	}
	s.dataMu.RUnlock()
	if !ok {
		return clientNotFound(w)
	}
	return writeJSON(w, http.StatusOK, dataBody{Data: s.encoder(p).client(&c)})
}

// decodeWrite decodes and checks a write body, or answers why it cannot.
func decodeWrite(w http.ResponseWriter, p plan, body []byte, create bool) (*write, int) {
	if p.token == tokenReadOnly {
		return nil, forbidden(w)
	}
	m, err := decodeObject(body)
	if err != nil {
		return nil, writeError(w, http.StatusBadRequest, "Malformed JSON body.", "")
	}
	wr := checkWrite(m, create)
	if wr.errs.has("company_slug") {
		return nil, invalid(w, p, &wr.errs)
	}
	return wr, 0
}

// create answers POST /contact-companies.
func (s *Server) create(w http.ResponseWriter, p plan, body []byte) int {
	wr, status := decodeWrite(w, p, body, true)
	if status != 0 {
		return status
	}
	c := gitscrum.ClientCompany{UUID: newUUID()}
	c.CreatedAt.Time = s.now().UTC().Truncate(time.Second)
	wr.apply(&c)

	s.dataMu.Lock()
	ws := s.workspaces[wr.slug]
	if ws == nil || !p.seesWorkspace(wr.slug) {
		s.dataMu.Unlock()
		return workspaceNotFound(w)
	}
	if wr.errs.any() {
		s.dataMu.Unlock()
		return invalid(w, p, &wr.errs)
	}
	if _, taken := ws.index[c.UUID]; taken {
		c.UUID = ws.freshUUID()
	}
	ws.put(c)
	s.dataMu.Unlock()
	return writeJSON(w, http.StatusCreated, dataBody{Data: s.encoder(p).client(&c)})
}

// update answers PUT /contact-companies/{uuid}.
func (s *Server) update(w http.ResponseWriter, p plan, id string, body []byte) int {
	wr, status := decodeWrite(w, p, body, false)
	if status != 0 {
		return status
	}
	s.dataMu.Lock()
	ws := s.workspaces[wr.slug]
	if ws == nil || !p.seesWorkspace(wr.slug) {
		s.dataMu.Unlock()
		return workspaceNotFound(w)
	}
	i, ok := ws.index[id]
	if !ok {
		s.dataMu.Unlock()
		return clientNotFound(w)
	}
	if wr.errs.any() {
		s.dataMu.Unlock()
		return invalid(w, p, &wr.errs)
	}
	wr.apply(&ws.clients[i])
	c := ws.clients[i]
	s.dataMu.Unlock()
	return writeJSON(w, http.StatusOK, dataBody{Data: s.encoder(p).client(&c)})
}
