# language: da
Egenskab: Er borgeren i arbejdsstyrken (erhvervsaktiv)?
  Som fagperson på jobcentret
  vil jeg se, om borgeren opfylder de fem kriterier for at være erhvervsaktiv,
  og hvilke der mangler, så indsatsen kan rettes mod dem.
  Borgeren er i arbejdsstyrken, når svaret er "ja" på alle fem.

  Scenarie: Alle fem kriterier er opfyldt
    Givet en borger med standardoplysninger
    Og borgerens "er aktivt jobsøgende" er "ja"
    Og borgerens "er geografisk mobil" er "ja"
    Og borgerens "søger bredt ift. alle rimelige job" er "ja"
    Og borgerens "kan påbegynde ethvert rimeligt arbejde inden for 14 dage" er "ja"
    Og borgerens "ønsker overordnet set at komme i arbejde" er "ja"
    Når reglerne anvendes
    Så er borgeren i arbejdsstyrken
    Og er 5 af 5 kriterier opfyldt

  Abstrakt Scenario: Ét kriterium mangler, så er borgeren ikke i arbejdsstyrken
    Givet en borger, der svarer "ja" til alle fem kriterier
    Og borgerens "<kriterium>" er "<svar>"
    Når reglerne anvendes
    Så er borgeren ikke i arbejdsstyrken
    Og er kriteriet "<kriterium>" ikke opfyldt
    Og er 4 af 5 kriterier opfyldt

    Eksempler:
      | kriterium                                               | svar    |
      | er aktivt jobsøgende                                    | delvist |
      | er geografisk mobil                                     | nej     |
      | søger bredt ift. alle rimelige job                      | delvist |
      | kan påbegynde ethvert rimeligt arbejde inden for 14 dage | nej     |
      | ønsker overordnet set at komme i arbejde                | delvist |

  Scenarie: Ingen af kriterierne er opfyldt
    Givet en borger med standardoplysninger
    Og borgerens "er aktivt jobsøgende" er "nej"
    Og borgerens "er geografisk mobil" er "delvist"
    Og borgerens "søger bredt ift. alle rimelige job" er "nej"
    Og borgerens "kan påbegynde ethvert rimeligt arbejde inden for 14 dage" er "delvist"
    Og borgerens "ønsker overordnet set at komme i arbejde" er "nej"
    Når reglerne anvendes
    Så er borgeren ikke i arbejdsstyrken
    Og er 0 af 5 kriterier opfyldt
