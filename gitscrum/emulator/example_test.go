package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func Example() {
	srv := emulator.New(emulator.WithDemoData())
	ts := httptest.NewServer(srv)
	defer ts.Close()

	req, _ := http.NewRequest(http.MethodGet,
		ts.URL+"/contact-companies/"+emulator.DemoAcmeUUID+"?company_slug="+emulator.DemoWorkspace, nil)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	var body struct {
		Data struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"data"`
	}
	_ = json.NewDecoder(res.Body).Decode(&body)
	fmt.Println(res.StatusCode, body.Data.Name, body.Data.Email)
	// Output: 200 Acme Corp billing@acme.co
}
