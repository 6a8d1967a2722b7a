package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL reading GrafanaDashboardIT relies on: what it takes for metric and label names, and what not. */
class PromQlTest {
    @Test
    void metricsAreTheIdentifiersThatAreNotFunctionsKeywordsLabelsOrNumbers() {
        assertThat(PromQl.metrics("sum by (outcome) (increase(restore_requests_total{instance=~\"$instance\"}[$__range]))"))
                .containsExactly("restore_requests_total");
        assertThat(PromQl.metrics("time() - job_last_success_timestamp_seconds{exported_job=~\"$job\"}"))
                .containsExactly("job_last_success_timestamp_seconds");
        assertThat(PromQl.metrics("count((a_failure > on (instance, mirror) a_success) or (a_failure unless on (mirror) a_success)) or vector(0)"))
                .containsExactly("a_failure", "a_success");
        assertThat(PromQl.metrics("rate(x_total[5m]) * 1e3 > bool 2 offset 1h")).containsExactly("x_total");
        assertThat(PromQl.metrics("label_values(backup_files{instance=~\"$instance\"}, exported_job)"))
                .containsExactly("backup_files", "exported_job");
    }

    @Test
    void labelsAreThoseOfSelectorsAndGroupings() {
        assertThat(PromQl.labels("sum by (outcome) (increase(restore_requests_total{instance=~\"$instance\", a!=\"}{,\"}[1h]))"))
                .containsExactly("instance", "a", "outcome");
        assertThat(PromQl.labels("x > on (instance, exported_job, target) y")).containsExactly("instance", "exported_job", "target");
    }
}
